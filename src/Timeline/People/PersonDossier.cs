using JasperFx.Events;
using Marten.Events.Aggregation;
using Timeline.Claims;

namespace Timeline.People;

/// <summary>
/// A person's stream header: who they are and where their stream stands. Kept small on purpose: it is what every
/// write fetches, so an append costs the same at ten claims as at ten thousand. The claims live in their own
/// documents (<see cref="ClaimRecord"/>).
/// </summary>
public sealed class Person
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public List<string> Aliases { get; set; } = [];
    public DateTimeOffset RegisteredAt { get; set; }
    public long RegisteredSequence { get; set; }
    public long Version { get; set; }
    public long LastSequence { get; set; }
    public DateTimeOffset LastRecordedAt { get; set; }

    /// <summary>A copy that <see cref="Fold"/> can move on without moving this one.</summary>
    public Person Copy() => (Person)MemberwiseClone();

    public static Person? Fold(Person? person, IEvent e)
    {
        if (e.Data is PersonRegistered registered)
        {
            person = new Person
            {
                Id = registered.PersonId,
                Name = registered.Name,
                Aliases = [.. registered.Aliases],
                RegisteredAt = e.RecordedAt(),
                RegisteredSequence = e.Sequence,
            };
        }

        if (person is null) return null;
        person.Version = e.Version;
        person.LastSequence = e.Sequence;
        person.LastRecordedAt = e.RecordedAt();
        return person;
    }
}

public sealed class PersonProjection : SingleStreamProjection<Person, string>
{
    public override Person? Evolve(Person? snapshot, string id, IEvent e) => Person.Fold(snapshot, e);
}

/// <summary>
/// Everything the record holds about one person: the header and every claim, in recorded order. Built either by
/// replaying the stream (a recordedAt read) or from the stored documents the same fold produced (a read of now);
/// all person views are pure functions of it. Mutable on purpose, so a replay costs linear time in the events.
/// </summary>
public sealed class PersonDossier
{
    private readonly Dictionary<Guid, ClaimRecord> _index;

    private PersonDossier(Person person, Dictionary<Guid, ClaimRecord>? index = null)
    {
        Person = person;
        _index = index is null ? [] : new(index);
    }

    public Person Person { get; private set; }
    public List<ClaimRecord> Claims { get; } = [];

    public string Id => Person.Id;
    public string Name => Person.Name;
    public IReadOnlyList<string> Aliases => Person.Aliases;
    public long Version => Person.Version;
    public long LastSequence => Person.LastSequence;
    public DateTimeOffset LastRecordedAt => Person.LastRecordedAt;

    /// <summary>The reported-time cut it was built at: only what had been published by then is in it.</summary>
    public ReportedBy? ReportedBy { get; private set; }

    public ClaimRecord? FindClaim(Guid claimId) => _index.GetValueOrDefault(claimId);

    /// <param name="reportedBy">Folds only the events published by then; null folds them all.</param>
    public static PersonDossier Replay(IEnumerable<IEvent> events, ReportedBy? reportedBy = null)
    {
        PersonDossier? dossier = null;
        foreach (var e in events)
        {
            dossier = Fold(dossier, e, reportedBy);
        }

        return dossier ?? throw new InvalidOperationException("the stream has no registration");
    }

    /// <summary>The dossier from the stored header and claim documents, each cut to what had been published by <paramref name="reportedBy"/>.</summary>
    public static PersonDossier Assemble(Person person, IEnumerable<ClaimRecord> claims, ReportedBy? reportedBy = null)
    {
        var dossier = new PersonDossier(person) { ReportedBy = reportedBy };
        foreach (var claim in claims.OrderBy(c => c.Sequence))
        {
            if ((reportedBy is null ? claim : reportedBy.Cut(claim)) is { } published) dossier.Add(published);
        }

        return dossier;
    }

    /// <summary>
    /// The last sequence the claims carry (their own, or a retraction's or ruling's). Every event after the
    /// registration leaves its sequence in exactly one claim, so a consistent read has it equal to the header's.
    /// </summary>
    public static long LastSequenceOf(Person person, IEnumerable<ClaimRecord> claims) =>
        claims.Select(c => Math.Max(Math.Max(Math.Max(c.Sequence, c.Retraction?.Sequence ?? 0), c.Rulings.Count == 0 ? 0 : c.Rulings.Max(r => r.Sequence)),
                Math.Max(c.NoLongerStated?.Sequence ?? 0, c.StatedAgain?.Sequence ?? 0)))
            .Append(person.RegisteredSequence)
            .Max();

    /// <summary>
    /// This dossier with later events of its stream folded in as <see cref="Replay"/> folds them, leaving this one as it
    /// was: a kept dossier is read by other requests meanwhile (<see cref="Dossiers"/>). Only the claims the events amend
    /// are copied.
    /// </summary>
    public PersonDossier Extend(IEnumerable<IEvent> events)
    {
        if (ReportedBy is not null) throw new InvalidOperationException("only a dossier of everything on record is extended");
        var next = new PersonDossier(Person.Copy(), _index);
        next.Claims.AddRange(Claims);
        var copied = new HashSet<Guid>();
        foreach (var e in events) next.Apply(e, copied);
        return next;
    }

    private static PersonDossier? Fold(PersonDossier? dossier, IEvent e, ReportedBy? reportedBy)
    {
        if (e.Data is PersonRegistered) dossier = new PersonDossier(Person.Fold(null, e)!) { ReportedBy = reportedBy };
        dossier?.Apply(e, copied: null);
        return dossier;
    }

    /// <param name="copied">
    /// When the claims are shared with a dossier brought forward from (<see cref="Extend"/>): the ones copied so far. A
    /// claim is copied before its first amendment here; null when every claim is this dossier's own.
    /// </param>
    private void Apply(IEvent e, HashSet<Guid>? copied)
    {
        Person = Person.Fold(Person, e)!;
        if (ReportedBy is not null && !ReportedBy.Includes(e.Data)) return;
        switch (e.Data)
        {
            case IClaimEvent claim:
                Add(ClaimRecord.From(e, claim));
                break;
            case IClaimAmendment amendment when FindClaim(amendment.ClaimId) is { } amended:
                if (copied?.Add(amended.Id) == true)
                {
                    var copy = amended.Copy();
                    Claims[Claims.FindIndex(c => ReferenceEquals(c, amended))] = copy;
                    _index[copy.Id] = copy;
                    amended = copy;
                }

                amended.Amend(e, amendment);
                break;
        }
    }

    private void Add(ClaimRecord claim)
    {
        Claims.Add(claim);
        _index.TryAdd(claim.Id, claim);
    }
}
