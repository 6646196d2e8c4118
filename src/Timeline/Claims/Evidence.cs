using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Timeline.Hosting;
using Timeline.Sources;

namespace Timeline.Claims;

/// <summary>
/// What supports a claim, checked against its source: a verbatim quote from a free-text source, or a record pointer
/// into a structured one (the record must exist and state what the claim says of that person).
/// </summary>
public static class Evidence
{
    /// <summary>Null when the claim is supported; <paramref name="supported"/> is then the request to build from (a pointer's record as its quote).</summary>
    public static ProblemHttpResult? Check(CachedSource cached, string personId, AppendClaimRequest request, out AppendClaimRequest supported)
    {
        supported = request;
        var source = cached.Document;
        if (cached.Structured is not { } structured)
        {
            if (request.Pointer is not null)
            {
                return Problems.Create(StatusCodes.Status422UnprocessableEntity, "pointer-on-text-source", "A free-text source is quoted, not pointed into",
                    $"Source '{source.Id}' ({source.Title}) is free text: give a verbatim quote instead of a pointer.");
            }

            return cached.Contains(request.Quote!)
                ? null
                : Problems.Create(StatusCodes.Status422UnprocessableEntity, "quote-not-in-source", "The quote is not in the source",
                    $"The quote does not occur in the text of source '{source.Id}' ({source.Title}), even with white space folded. Quote it verbatim.");
        }

        if (request.Pointer is not { } pointer)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "pointer-required", "A structured source is cited by record pointer",
                $"Source '{source.Id}' ({source.Title}) is a {source.Format} document: cite the record with pointer (a JSON Pointer such as /memberships/12).");
        }

        if (!structured.TryResolve(pointer, out var record))
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "pointer-not-in-source", "The pointer names no record of the source",
                $"'{pointer}' does not resolve in source '{source.Id}' ({source.Title}).");
        }

        if (structured.WhyNotSupported(pointer, personId, request) is { } reason)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "pointer-does-not-support", "The record does not support the claim",
                $"In source '{source.Id}' ({source.Title}): {reason}.");
        }

        // The record stands where a quote would, so every view shows what the claim rests on.
        var excerpt = JsonSerializer.Serialize(record);
        supported = request with { Quote = excerpt.Length <= ClaimTypes.MaxQuoteLength ? excerpt : excerpt[..ClaimTypes.MaxQuoteLength] };
        return null;
    }
}
