using System.Globalization;
using System.Text;
using CsCheck;

namespace Timeline.Tests.Views.Oracle;

internal enum StepKind
{
    OfficeTaken, OfficeHeld, OfficeLeft,
    ResignationTendered, ResignationConfirmed, ResignationAccepted, ResignationDenied, ResignationWithdrawn,
    PartyJoined, PartyLeft, PartyRoleTaken, PartyRoleLeft, StatementMade,
    ClaimDisputed, ClaimRetracted, ClaimRuled,
}

/// <summary>
/// One generated step, in small numbers so a failure shrinks to a short, readable history. <c>Subject</c> picks the
/// office, party, role or statement value; <c>Variant</c> the cause, stance or verdict; <c>Target</c> an earlier
/// claim (modulo the claims so far); <c>RuledAt</c> the day a ruling was made.
/// </summary>
internal sealed record Step(StepKind Kind, int Subject, int Source, int Claimant, string? ValidTime, string? ScheduledEnd, int Variant, int Target, int RuledAt)
{
    public override string ToString()
    {
        var b = new StringBuilder(Kind.ToString());
        b.Append(CultureInfo.InvariantCulture, $"(s{Subject} src{Source} by{Claimant}");
        if (ValidTime is not null) b.Append(CultureInfo.InvariantCulture, $" vt={ValidTime}");
        if (ScheduledEnd is not null) b.Append(CultureInfo.InvariantCulture, $" scheduledEnd={ScheduledEnd}");
        b.Append(CultureInfo.InvariantCulture, $" v{Variant} t{Target} r{RuledAt})");
        return b.ToString();
    }
}

/// <summary>A read of the views at a combination of the three clocks; <c>RecordedAfter</c> cuts after that many appends.</summary>
internal sealed record ClockRead(string? ValidAt, string? ReportedAt, int? RecordedAfter)
{
    public override string ToString() => $"validAt={ValidAt ?? "-"} reportedAt={ReportedAt ?? "-"} recordedAfter={RecordedAfter?.ToString(CultureInfo.InvariantCulture) ?? "-"}";
}

internal sealed record History(Step[] Steps, ClockRead[] Reads)
{
    public override string ToString() =>
        "steps:\n  " + string.Join("\n  ", Steps.Select((s, i) => $"{i}: {s}")) + "\nreads:\n  " + string.Join("\n  ", Reads.Select(r => r.ToString()));
}

/// <summary>What a generated history means, resolved to concrete appends (targets by index into earlier appends).</summary>
internal abstract record Planned;

internal sealed record PlannedClaim(
    string Type, int Source, string Claimant, string? ValidTime,
    string? Office = null, string? Organization = null, string? ScheduledEnd = null, string? Cause = null,
    string? Party = null, string? Role = null, string? Predicate = null, string? Object = null, string? Stance = null, string? Value = null,
    int? Target = null) : Planned
{
    /// <summary>An undated dispute's valid time: the disputed claim's (for the generator only).</summary>
    public string? EffectiveTime { get; init; }
}

internal sealed record PlannedRetraction(int Target, int Source) : Planned;

internal sealed record PlannedRuling(int Target, string Verdict, int RuledAt) : Planned;

/// <summary>The fixed world the histories are about: two offices, two parties, a role in each, three sources.</summary>
internal static class World
{
    public static readonly (string Office, string Organization)[] Offices = [("Senator", "Senate of Pakistan"), ("Mayor", "Karachi Metropolitan Corporation")];
    public static readonly string[] Parties = ["MQM", "PSP"];
    public static readonly (string Role, string Party)[] Roles = [("Deputy Convener", "MQM"), ("Chairman", "PSP")];
    public static readonly string[] Claimants = ["Reporter A", "Reporter B", "Spokesman"];
    public static readonly string[] Causes = ["resigned", "termEnded", "dismissed", "died", "other"];
    public static readonly string[] Verdicts = ["true", "false", "misleading", "unproven"];
    public static readonly string?[] StatementValues = ["Karachi", "karachi.", "Lahore", null];
    public const string StatementPredicate = "born-in";
    public const string StatementObject = "Birthplace";
    public const string DiedPredicate = "died";
    public const string DiedObject = "death";

    /// <summary>
    /// Three sources with different datelines. The offsets put the local date on another day than UTC's, so the
    /// reportedAt cut is tested against the source's own dateline.
    /// </summary>
    public static readonly DateTimeOffset[] Published =
    [
        new(2003, 6, 1, 2, 30, 0, TimeSpan.FromHours(5)),
        new(2005, 3, 10, 12, 0, 0, TimeSpan.FromHours(5)),
        new(2008, 9, 30, 22, 30, 0, TimeSpan.FromHours(-4)),
    ];

    /// <summary>Sources 0 and 2 share a publisher: a claim is withdrawn only by its own publisher, earlier or later.</summary>
    public static string PublisherOf(int source) => $"Publisher {source % 2}";

    private static int SamePublisher(int source, int pick)
    {
        var candidates = Enumerable.Range(0, Published.Length).Where(j => PublisherOf(j) == PublisherOf(source)).ToArray();
        return candidates[pick % candidates.Length];
    }

    /// <summary>When the generated rulings were made (pure tests; over HTTP a ruling is made when it is posted).</summary>
    public static readonly DateTimeOffset[] RuledAt =
    [
        new(2004, 1, 15, 12, 0, 0, TimeSpan.Zero),
        new(2006, 6, 30, 12, 0, 0, TimeSpan.Zero),
        new(2009, 12, 1, 12, 0, 0, TimeSpan.Zero),
    ];

    public static readonly string[] ReportedDays =
        ["2003-05-31", "2003-06-01", "2004-01-15", "2005-03-09", "2005-03-10", "2006-06-29", "2008-09-30", "2008-10-01", "2009-12-01", "2020-01-01"];

    public static readonly string[] ValidDays = ["01-01", "03-31", "06-15", "12-31"];

    private static bool Dated(StepKind kind) => kind is StepKind.OfficeTaken or StepKind.OfficeHeld or StepKind.OfficeLeft;

    /// <summary>Resolves the steps to appends: targets taken modulo the claims so far; a second retraction of a claim is dropped.</summary>
    public static List<Planned> Plan(History history)
    {
        var plan = new List<Planned>();
        var claims = new List<int>();
        var retracted = new HashSet<int>();
        foreach (var s in history.Steps)
        {
            var claimant = Claimants[s.Claimant % Claimants.Length];
            var source = s.Source % Published.Length;
            var (office, organization) = Offices[s.Subject % Offices.Length];
            var (role, roleParty) = Roles[s.Subject % Roles.Length];
            var party = Parties[s.Subject % Parties.Length];
            var validTime = s.ValidTime;
            if (validTime is null && Dated(s.Kind)) continue;
            if (validTime is not null && validTime.Contains('/', StringComparison.Ordinal) && s.Kind is not (StepKind.OfficeTaken or StepKind.PartyJoined or StepKind.PartyRoleTaken))
            {
                validTime = validTime[..validTime.IndexOf('/', StringComparison.Ordinal)];
            }

            Planned? planned = s.Kind switch
            {
                StepKind.OfficeTaken => new PlannedClaim(s.Kind.ToString(), source, claimant, validTime, office, organization, ScheduledEnd: DueAfterStart(s.ScheduledEnd, validTime)),
                StepKind.OfficeHeld => new PlannedClaim(s.Kind.ToString(), source, claimant, validTime, office, organization),
                StepKind.OfficeLeft => new PlannedClaim(s.Kind.ToString(), source, claimant, validTime, office, organization, Cause: Causes[s.Variant % Causes.Length]),
                >= StepKind.ResignationTendered and <= StepKind.ResignationWithdrawn => new PlannedClaim(s.Kind.ToString(), source, claimant, validTime, office, organization),
                StepKind.PartyJoined or StepKind.PartyLeft => new PlannedClaim(s.Kind.ToString(), source, claimant, validTime, Party: party),
                StepKind.PartyRoleTaken or StepKind.PartyRoleLeft => new PlannedClaim(s.Kind.ToString(), source, claimant, validTime, Party: roleParty, Role: role),
                // The last subject is a death: the rules read a "died" statement as the end of whatever was held then.
                StepKind.StatementMade when s.Subject == 3 => new PlannedClaim(s.Kind.ToString(), source, claimant, validTime, Predicate: DiedPredicate, Object: DiedObject,
                    Stance: s.Variant % 3 == 2 ? "denies" : "asserts"),
                StepKind.StatementMade => new PlannedClaim(s.Kind.ToString(), source, claimant, validTime, Predicate: StatementPredicate, Object: StatementObject,
                    Stance: s.Variant % 3 == 2 ? "denies" : "asserts", Value: StatementValues[s.Subject % StatementValues.Length]),
                StepKind.ClaimDisputed when claims.Count > 0 => new PlannedClaim(s.Kind.ToString(),
                    source, claimant, s.ValidTime?.Split('/')[0], Target: claims[s.Target % claims.Count]),
                StepKind.ClaimRetracted when claims.Count > 0 && !retracted.Contains(claims[s.Target % claims.Count]) =>
                    new PlannedRetraction(claims[s.Target % claims.Count], SamePublisher(((PlannedClaim)plan[claims[s.Target % claims.Count]]).Source, s.Source)),
                StepKind.ClaimRuled when claims.Count > 0 => new PlannedRuling(claims[s.Target % claims.Count], Verdicts[s.Variant % Verdicts.Length], s.RuledAt % RuledAt.Length),
                _ => null,
            };
            if (planned is null) continue;
            if (planned is PlannedClaim { Target: { } disputed, ValidTime: null } d) planned = d with { EffectiveTime = ((PlannedClaim)plan[disputed]).EffectiveTime ?? ((PlannedClaim)plan[disputed]).ValidTime };
            if (planned is PlannedClaim) claims.Add(plan.Count);
            if (planned is PlannedRetraction r) retracted.Add(r.Target);
            plan.Add(planned);
        }

        return plan;
    }

    // The API refuses a term due to end before it began.
    private static string? DueAfterStart(string? scheduledEnd, string? start) =>
        scheduledEnd is not null && start is not null && ODate.Parse(scheduledEnd).DefinitelyBefore(ODate.Parse(start.Split('/')[0])) ? null : scheduledEnd;

    // --- generators ----------------------------------------------------------------------------------------------

    private static string DateText(int year, int precision, int month, int day)
    {
        var m = month switch { 0 => 1, 1 => 6, _ => 12 };
        var d = day switch { 0 => 1, 1 => 15, _ => DateTime.DaysInMonth(year, m) };
        return precision switch
        {
            0 => year.ToString("D4", CultureInfo.InvariantCulture),
            1 => string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{m:D2}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{m:D2}-{d:D2}"),
        };
    }

    public static readonly Gen<string> Date =
        Gen.Select(Gen.Int[2001, 2006], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 2], DateText);

    /// <summary>A point, a closed interval whose end never comes before its start, or an open interval.</summary>
    public static readonly Gen<string> ValidTime =
        Gen.Select(Gen.Int[2001, 2006], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 5], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 2],
            (year, p, m, d, shape, years, ep, em) =>
            {
                var start = DateText(year, p, m, d);
                if (shape <= 2) return start;
                if (shape == 3) return start + "/";
                var endYear = year + years;
                var end = DateText(endYear, ep, em, 2);
                return ODate.Parse(end).Last < ODate.Parse(start).First
                    ? $"{start}/{endYear:D4}"
                    : $"{start}/{end}";
            });

    private static readonly Gen<string?> MaybeValidTime = Gen.Frequency((5, ValidTime.Select(v => (string?)v)), (1, Gen.Const((string?)null)));

    private static readonly Gen<string?> Scheduled = Gen.Frequency((3, Gen.Const((string?)null)), (1, Gen.OneOf<string?>("2003", "2005", "2007-03")));

    public static readonly Gen<StepKind> Kinds = Gen.Frequency(
        (6, Gen.Const(StepKind.OfficeTaken)), (3, Gen.Const(StepKind.OfficeHeld)), (4, Gen.Const(StepKind.OfficeLeft)),
        (3, Gen.Const(StepKind.ResignationTendered)), (1, Gen.Const(StepKind.ResignationConfirmed)), (2, Gen.Const(StepKind.ResignationAccepted)),
        (3, Gen.Const(StepKind.ResignationDenied)), (1, Gen.Const(StepKind.ResignationWithdrawn)),
        (2, Gen.Const(StepKind.PartyJoined)), (1, Gen.Const(StepKind.PartyLeft)), (2, Gen.Const(StepKind.PartyRoleTaken)), (1, Gen.Const(StepKind.PartyRoleLeft)),
        (2, Gen.Const(StepKind.StatementMade)),
        (2, Gen.Const(StepKind.ClaimDisputed)), (2, Gen.Const(StepKind.ClaimRetracted)), (4, Gen.Const(StepKind.ClaimRuled)));

    public static readonly Gen<Step> Steps =
        Gen.Select(Kinds, Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 2], MaybeValidTime, Scheduled, Gen.Int[0, 4], Gen.Int[0, 30], Gen.Int[0, 2],
            (kind, subject, source, claimant, vt, scheduled, variant, target, ruled) =>
                new Step(kind, subject, source, claimant, kind == StepKind.ClaimDisputed && variant < 3 ? null : vt, scheduled, variant, target, ruled));

    public static Gen<ClockRead> Reads(int maxRecorded) =>
        Gen.Select(
            Gen.Frequency((1, Gen.Const((string?)null)), (3, Gen.Select(Gen.Int[2000, 2008], Gen.OneOf(ValidDays), (y, md) => (string?)$"{y:D4}-{md}"))),
            Gen.Frequency((2, Gen.Const((string?)null)), (1, Gen.OneOf(ReportedDays).Select(d => (string?)d))),
            Gen.Frequency((2, Gen.Const((int?)null)), (1, Gen.Int[1, maxRecorded].Select(i => (int?)i))),
            (v, r, a) => new ClockRead(v, r, a));

    public static Gen<History> Histories(int minSteps, int maxSteps, int reads) =>
        Gen.Select(Steps.Array[minSteps, maxSteps], Reads(maxSteps).Array[reads, reads], (steps, r) => new History(steps, r));
}
