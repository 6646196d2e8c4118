using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Timeline.Claims;

/// <summary>
/// Publishes the claim body as one schema per type (<c>oneOf</c> with a <c>type</c> discriminator), each with the
/// fields its entry in <see cref="ClaimTypes.All"/> reads and requires, so generated clients get typed requests.
/// </summary>
public sealed class ClaimTypeSchemas : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        var schemas = document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        var mapping = new Dictionary<string, OpenApiSchemaReference>();
        var retraction = (Name: ClaimTypes.Retraction, Required: ClaimField.TargetClaimId | ClaimField.Reason, Optional: ClaimField.None,
            Description: "Withdraws a claim of the same source: it leaves its side of the proposition.");
        foreach (var (name, required, optional, description) in ClaimTypes.All.Select(k => (k.Name, k.Required, k.Optional, k.Description)).Append(retraction))
        {
            var schemaName = $"{name}Body";
            schemas[schemaName] = Body(document, name, required, optional, description);
            mapping[name] = new OpenApiSchemaReference(schemaName, document);
        }

        schemas[nameof(AppendClaimRequest)] = new OpenApiSchema
        {
            Description = "A claim: its type decides which fields it needs.",
            OneOf = [.. mapping.Values],
            Discriminator = new OpenApiDiscriminator { PropertyName = "type", Mapping = mapping },
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema Body(OpenApiDocument document, string type, ClaimField required, ClaimField optional, string description)
    {
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create(type)] },
            ["claimId"] = Text("A client-chosen id (a GUID), unique across all people; a retry with it appends nothing.", "uuid"),
            ["sourceId"] = Text("A registered source (POST /api/sources)."),
            ["claimant"] = new OpenApiSchemaReference(nameof(ClaimantInput), document),
            ["quote"] = Text("Verbatim from the source's text (required unless pointer is given)."),
            ["pointer"] = Text("For a structured source (a Popolo file): the JSON Pointer of the record the claim is drawn from, e.g. /memberships/12, instead of a quote."),
        };
        var needed = new HashSet<string> { "type", "sourceId", "claimant" };
        foreach (var field in Enum.GetValues<ClaimField>().Where(f => f != ClaimField.None && (required | optional).HasFlag(f)))
        {
            var name = ClaimTypes.JsonName(field);
            properties[name] = Field(field);
            if (required.HasFlag(field)) needed.Add(name);
        }

        // A quote for a free-text source, a record pointer for a structured one.
        IList<IOpenApiSchema> evidence = [new OpenApiSchema { Required = new HashSet<string> { "quote" } }, new OpenApiSchema { Required = new HashSet<string> { "pointer" } }];
        return new OpenApiSchema { Type = JsonSchemaType.Object, Description = description, Properties = properties, Required = needed, AnyOf = evidence };
    }

    private static IOpenApiSchema Field(ClaimField field) => field switch
    {
        ClaimField.ValidTime => Text("When it held in the world: 2005, 2013-11, 2013-11-30, or an interval 2003/2005 (2005/ open-ended)."),
        ClaimField.ScheduledEnd => Text("When the term was due to end (a partial date, not before the start); not an end of tenure."),
        ClaimField.Term => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
        ClaimField.TargetClaimId => Text("The claim this one concerns.", "uuid"),
        ClaimField.Cause => Choice(Enum.GetNames<LeaveCause>().Select(n => char.ToLowerInvariant(n[0]) + n[1..])),
        ClaimField.Stance => Choice(["asserts", "denies"]),
        ClaimField.Predicate => Text("A slug, like had-differences-with."),
        _ => Text(null),
    };

    private static OpenApiSchema Text(string? description, string? format = null) =>
        new() { Type = JsonSchemaType.String, Description = description, Format = format };

    private static OpenApiSchema Choice(IEnumerable<string> values) =>
        new() { Type = JsonSchemaType.String, Enum = [.. values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v))] };
}
