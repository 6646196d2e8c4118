using JasperFx.CommandLine;
using Marten;
using Timeline.Commands;

namespace Timeline.Hosting;

public sealed class KeysInput : NetCoreInput, ICheckedInput
{
    [Description("create, list or revoke")]
    public string Action { get; set; } = "";

    [Description("The key to revoke")]
    public string Name { get; set; } = "";

    [Description("create: editor, reviewer or admin")]
    public string? RoleFlag { get; set; }

    [Description("create: the key's name (default: <role>-<date>-<random>)")]
    public string? NameFlag { get; set; }

    /// <summary>The role <c>--role</c> names, as stored.</summary>
    public string? Role => RoleFlag?.Trim().ToLowerInvariant();

    public string? Refusal() => Action.ToLowerInvariant() switch
    {
        "create" when Name.Length > 0 => $"create takes no name argument; name the key with --name {Name}.",
        "create" when !AuthRoles.IsRole(Role) => $"--role must be one of {string.Join(", ", AuthRoles.All)}.",
        "create" when !string.IsNullOrWhiteSpace(NameFlag) && !Claims.Slugs.IsSlug(NameFlag.Trim()) =>
            $"--name '{NameFlag.Trim()}' must be lower-case letters, digits and single dashes.",
        "create" => null,
        "list" when Name.Length > 0 => "list takes no name.",
        "list" => null,
        "revoke" when string.IsNullOrWhiteSpace(Name) => "revoke needs the key's name: keys revoke NAME.",
        "revoke" => null,
        _ => $"Unknown action '{Action}': use create, list or revoke.",
    };
}

[Description("Manages API keys in the database: create (prints the new key on its last line), list, revoke; exit 0 done, 2 refused")]
public sealed class KeysCommand : JasperFxAsyncCommand<KeysInput>
{
    public KeysCommand()
    {
        Usage("create a key (--role, optionally --name), or list the keys").Arguments(x => x.Action);
        Usage("revoke the key of that name").Arguments(x => x.Action, x => x.Name);
    }

    public override async Task<bool> Execute(KeysInput input)
    {
        if (input.Refusal() is { } refusal) return Refuse(refusal);
        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        return input.Action.ToLowerInvariant() switch
        {
            "create" => await CreateAsync(store, input, now),
            "list" => await ListAsync(store),
            "revoke" => await RevokeAsync(store, input.Name, now),
            _ => Refuse($"Unknown action '{input.Action}'."),
        };
    }

    private static async Task<bool> CreateAsync(IDocumentStore store, KeysInput input, DateTimeOffset now)
    {
        var role = input.Role;
        var name = string.IsNullOrWhiteSpace(input.NameFlag)
            ? $"{role}-{now:yyyyMMdd}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}"
            : input.NameFlag.Trim();

        var secret = ApiKeys.NewSecret();
        await using var session = store.LightweightSession();
        session.Insert(new ApiKey { Id = name, Hash = ApiKeys.HashOf(secret), Role = role!, CreatedAt = now });
        try
        {
            await session.SaveChangesAsync();
        }
        catch (Exception ex) when (LostRaces.IsLostRace(ex))
        {
            return Refuse($"a key named '{name}' already exists; choose another --name.");
        }

        Console.WriteLine($"Created key '{name}' with role {role}. It is shown once; store it now and send it as 'Authorization: Bearer <key>':");
        Console.WriteLine(secret);
        return ExitCodes.Exit(ExitCodes.Done);
    }

    private static async Task<bool> ListAsync(IDocumentStore store)
    {
        await using var session = store.QuerySession();
        var keys = await session.Query<ApiKey>().OrderBy(k => k.Id).ToListAsync();
        Console.WriteLine($"{"name",-32} {"role",-9} {"created",-21} {"last used",-21} revoked");
        foreach (var k in keys)
        {
            Console.WriteLine($"{k.Id,-32} {k.Role,-9} {Time(k.CreatedAt),-21} {Time(k.LastUsedAt),-21} {Time(k.RevokedAt)}");
        }

        Console.WriteLine($"{keys.Count} key(s) in the database; keys from configuration are not listed.");
        return ExitCodes.Exit(ExitCodes.Done);
    }

    private static async Task<bool> RevokeAsync(IDocumentStore store, string name, DateTimeOffset now)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<ApiKey>(name) is not { } key) return Refuse($"no key named '{name}' in the database (keys from configuration are removed from configuration).");
        if (key.RevokedAt is { } revokedAt) return Refuse($"'{name}' was already revoked at {Time(revokedAt)}; nothing changed.");
        key.RevokedAt = now;
        session.Store(key);
        await session.SaveChangesAsync();

        Console.WriteLine($"Revoked '{name}'. Every node refuses it within {ApiKeys.DefaultCacheFor.TotalSeconds:0} s (Timeline:Auth:KeyCacheFor).");
        return ExitCodes.Exit(ExitCodes.Done);
    }

    private static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) ?? "-";

    private static bool Refuse(string reason)
    {
        Console.Error.WriteLine($"Refused: {reason}");
        return ExitCodes.Exit(ExitCodes.Refused);
    }
}
