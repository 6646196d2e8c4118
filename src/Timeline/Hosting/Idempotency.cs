using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Timeline.Hosting;

/// <summary>
/// A write acknowledged under an Idempotency-Key. Stored in the same transaction as the write, so a key is
/// remembered exactly when its write happened, and survives restarts.
/// </summary>
public sealed class IdempotencyRecord
{
    public string Id { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public string ResourceId { get; set; } = "";

    /// <summary>For claims, retractions and rulings: the claim document that holds the answer.</summary>
    public Guid? ClaimId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A write request's idempotency key (scoped to its principal), a fingerprint of what it asked for, and who asked:
/// the name the server records the write under.
/// </summary>
public sealed record WriteRequest(string? IdempotencyKey, string RequestHash, string Principal = "api")
{
    public static WriteRequest For<T>(HttpContext context, string? key, T body)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var canonical = $"{context.Request.Method} {context.Request.Path}\n{JsonSerializer.Serialize(body, options)}";
        var principal = context.PrincipalName();
        return new WriteRequest(key is null ? null : Scoped(principal, key), Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), principal);
    }

    /// <summary>
    /// The stored key: the same client key from two principals is two requests, so one caller is never handed
    /// another's answer. The length prefix keeps names and keys containing the separator apart.
    /// </summary>
    public static string Scoped(string principal, string key) => $"{principal.Length}:{principal}:{key}";

    public IdempotencyRecord Remember(string resourceId, Guid? claimId, DateTimeOffset now) =>
        new() { Id = IdempotencyKey!, RequestHash = RequestHash, ResourceId = resourceId, ClaimId = claimId, CreatedAt = now };

    /// <summary>Null when the key is new; otherwise the id to replay, or a 422 when the key came with another body.</summary>
    public static ProblemHttpResult? CheckReplay(IdempotencyRecord record, WriteRequest request) =>
        record.RequestHash == request.RequestHash
            ? null
            : Problems.Create(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "Idempotency-Key already used",
                "This Idempotency-Key was used for a different request; use a new key for a new request.");
}
