using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Microsoft.OpenApi;

namespace Timeline.Hosting;

/// <summary>
/// Bearer credentials: an API key (from configuration or <c>keys create</c>) or a JWT signed with the configured key
/// or issued by the configured authority. Either gives a principal with a name and a role; <see cref="AccessControl"/>
/// decides what it may do.
/// </summary>
public static class AuthSetup
{
    public const string Scheme = "Bearer";
    private const string KeyScheme = "ApiKey";
    private const string JwtScheme = "Jwt";
    public const string NameClaim = "name";
    public const string RoleClaim = "role";

    public static IServiceCollection AddTimelineAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<PathRoutes>();
        services.ConfigureMarten(o =>
        {
            o.Schema.For<ApiKey>().UniqueIndex(k => k.Hash);
            // Each event carries who recorded it (user_name), set per event so a shared commit keeps each writer's name.
            o.Events.MetadataConfig.UserNameEnabled = true;
        });
        services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer<BearerSecurityScheme>());

        var jwt = configuration.GetSection("Timeline:Auth:Jwt");
        var signingKey = jwt["SigningKey"];
        var authority = jwt["Authority"];
        var jwtConfigured = !string.IsNullOrWhiteSpace(signingKey) || !string.IsNullOrWhiteSpace(authority);

        var auth = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key or JWT", o => o.ForwardDefaultSelector = context =>
                jwtConfigured && TryGetBearer(context.Request, out var token) && LooksLikeJwt(token) ? JwtScheme : KeyScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(KeyScheme, null);

        if (jwtConfigured)
        {
            auth.AddJwtBearer(JwtScheme, o =>
            {
                o.MapInboundClaims = false;
                if (!string.IsNullOrWhiteSpace(authority)) o.Authority = authority;
                var audience = jwt["Audience"];
                var issuer = jwt["Issuer"];
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    NameClaimType = NameClaim,
                    RoleClaimType = RoleClaim,
                    ValidateAudience = !string.IsNullOrWhiteSpace(audience),
                    ValidAudience = audience,
                    ValidateIssuer = !string.IsNullOrWhiteSpace(issuer) || !string.IsNullOrWhiteSpace(authority),
                    ValidIssuer = string.IsNullOrWhiteSpace(issuer) ? null : issuer,
                    IssuerSigningKey = string.IsNullOrWhiteSpace(signingKey) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)),
                    ValidateIssuerSigningKey = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                o.Events = new JwtBearerEvents { OnTokenValidated = context => Normalise(context) };
            });
        }

        return services;
    }

    public static IApplicationBuilder UseTimelineAuth(this IApplicationBuilder app) =>
        app.UseAuthentication().UseTimelineRateLimits().UseMiddleware<AccessControl>();

    /// <summary>The principal a write is recorded under; "api" only where nothing authenticated (never on a guarded route).</summary>
    public static string PrincipalName(this HttpContext context) => context.User.Identity?.Name ?? "api";

    public static bool TryGetBearer(HttpRequest request, out string token)
    {
        var header = request.Headers.Authorization.ToString();
        token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        return token.Length > 0;
    }

    private static bool LooksLikeJwt(string token) => token.StartsWith("eyJ", StringComparison.Ordinal) && token.Count(c => c == '.') == 2;

    /// <summary>Name from <c>name</c>, else <c>sub</c>; roles from <c>role</c> or <c>roles</c>.</summary>
    private static Task Normalise(TokenValidatedContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity) return Task.CompletedTask;
        if (identity.FindFirst(NameClaim) is null && identity.FindFirst("sub") is { } sub) identity.AddClaim(new Claim(NameClaim, sub.Value));
        foreach (var role in identity.FindAll("roles").ToList()) identity.AddClaim(new Claim(RoleClaim, role.Value));
        if (identity.FindFirst(NameClaim) is null) context.Fail("the token names no one: it needs a name or sub claim");
        return Task.CompletedTask;
    }
}

/// <summary>Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against <see cref="ApiKeys"/>.</summary>
public sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthSetup.TryGetBearer(Request, out var token)) return AuthenticateResult.NoResult();
        if (await keys.FindAsync(token, Context.RequestAborted) is not { } principal) return AuthenticateResult.Fail("unknown or revoked key");

        var identity = new ClaimsIdentity(
            [new Claim(AuthSetup.NameClaim, principal.Name), new Claim(AuthSetup.RoleClaim, principal.Role)], Scheme.Name, AuthSetup.NameClaim, AuthSetup.RoleClaim);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}

/// <summary>Applies <see cref="AuthRoles"/>: 401 without valid credentials, 403 with too weak a role, both problem+json.</summary>
public sealed class AccessControl(RequestDelegate next, IConfiguration configuration, PathRoutes routes)
{
    private readonly bool _readsPublic = configuration.GetValue("Timeline:Auth:ReadsPublic", true);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        // Probes come from the platform, which holds no key.
        if (request.Path.StartsWithSegments("/health") && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            await next(context);
            return;
        }

        if (Required(context) is not { } required)
        {
            await next(context);
            return;
        }

        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            var sent = AuthSetup.TryGetBearer(request, out _);
            context.Response.Headers.WWWAuthenticate = sent ? "Bearer error=\"invalid_token\"" : "Bearer";
            await Problems.Create(StatusCodes.Status401Unauthorized, "unauthenticated", "Credentials needed",
                sent
                    ? "The bearer credential is not a valid key or token (unknown, revoked, expired or badly signed). Nothing was changed."
                    : $"{request.Method} {request.Path} needs 'Authorization: Bearer <key>' with the {Describe(required)} role. Nothing was changed.").ExecuteAsync(context);
            return;
        }

        if (!Allowed(user, required))
        {
            await Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Role too weak",
                $"'{user.Identity.Name}' may not {request.Method} {request.Path}: it needs the {Describe(required)} role. Nothing was changed.").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>The roles any one of which lets the request through; null when anyone may make it.</summary>
    private IReadOnlyList<string>? Required(HttpContext context)
    {
        var method = context.Request.Method;
        var endpoint = context.GetEndpoint();
        if (PathRoutes.IsRoutingRejection(endpoint)) return AuthRoles.RequiredForRefused(method, routes.Matching(context.Request.Path), _readsPublic);
        return AuthRoles.Required(method, (endpoint as RouteEndpoint)?.RoutePattern.RawText, _readsPublic) is { } role ? OneRole.GetOrAdd(role, r => [r]) : null;
    }

    // Every guarded request asks this: one list per role, made once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> OneRole = new(StringComparer.Ordinal);

    private static bool Allowed(ClaimsPrincipal user, IReadOnlyList<string> required)
    {
        if (user.IsInRole(AuthRoles.Admin)) return true;
        foreach (var role in required)
        {
            if (role == AuthRoles.AnyRole || user.IsInRole(role)) return true;
        }

        return false;
    }

    private static string Describe(IReadOnlyList<string> roles) =>
        string.Join(" or ", roles.Select(role => role == AuthRoles.AnyRole ? "any" : role == AuthRoles.Admin ? "admin" : $"{role} (or admin)"));
}

/// <summary>Declares the bearer scheme in the OpenAPI document and requires it on every write operation.</summary>
public sealed class BearerSecurityScheme : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[AuthSetup.Scheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key from `keys create` (or configuration), or a JWT with a role claim: editor, reviewer or admin.",
        };

        var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AuthSetup.Scheme, document)] = [] };
        foreach (var path in document.Paths.Values)
        {
            if (path.Operations is null) continue;
            foreach (var (method, operation) in path.Operations)
            {
                if (method == HttpMethod.Get || method == HttpMethod.Head) continue;
                operation.Security = [requirement];
            }
        }

        // Request bodies still bind recordedBy and registeredBy only to refuse them: clients are not offered them. Responses keep them.
        var bodies = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => o.RequestBody?.Content?.Values.AsEnumerable() ?? [])
            .Select(c => c.Schema).OfType<OpenApiSchemaReference>().Select(r => r.Reference.Id).OfType<string>().ToHashSet();
        foreach (var id in bodies)
        {
            if (document.Components.Schemas is null || !document.Components.Schemas.TryGetValue(id, out var found) || found is not OpenApiSchema body) continue;
            foreach (var field in Principals.ServerFields)
            {
                body.Properties?.Remove(field);
                body.Required?.Remove(field);
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>Who recorded a write is the server's to say.</summary>
public static class Principals
{
    /// <summary>The body fields that would name who recorded a write; request bodies bind them only to refuse them.</summary>
    public static readonly string[] ServerFields = ["recordedBy", "registeredBy"];

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? RefuseRecordedBy(string? recordedBy, string field = "recordedBy") =>
        recordedBy is null
            ? null
            : Problems.Create(StatusCodes.Status400BadRequest, "recorded-by-is-set-by-server", $"{field} is set by the server",
                $"Do not send {field}: the server records the authenticated principal (the key's or token's name) as who recorded the write. Nothing was changed.",
                new Dictionary<string, object?> { ["field"] = field });
}
