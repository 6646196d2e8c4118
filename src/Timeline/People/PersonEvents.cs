namespace Timeline.People;

/// <summary>Opens a person's stream; the slug is the stream key.</summary>
public sealed record PersonRegistered(string PersonId, string Name, IReadOnlyList<string> Aliases, string RecordedBy);
