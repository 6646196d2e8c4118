using Shouldly;
using Timeline.Claims;
using Timeline.Contradictions;
using Xunit;

namespace Timeline.Tests.Views;

/// <summary>
/// Consistency, not correctness: the value a document carries forward append by append (<see cref="PropositionLedger.ContestedSinceAfter"/>)
/// against the whole computation (<see cref="PropositionLedger.ContestedSince"/>) on random histories. The rule itself is
/// checked against the independent oracle by the generated histories.
/// </summary>
public sealed class IncrementalContestedSinceTests
{
    private const string Governor = "Governor";
    private const string Province = "Government of Sindh";

    [Fact]
    public void the_value_carried_forward_is_consistent_with_the_whole_computation_on_random_histories()
    {
        string[] years = ["2001", "2001-03", "2001-03-01", "2003", "2003-07-15", "2004", "2008", "2008-01-10", "2010", "2011-11-30", "2012"];
        var failures = new List<string>();
        for (var seed = 0; seed < 3000 && failures.Count < 5; seed++)
        {
            var rng = new Random(seed);
            var s = new StreamBuilder();
            var ids = new List<Guid>();
            var log = new List<string>();
            var n = rng.Next(2, 14);
            for (var step = 0; step < n; step++)
            {
                try
                {
                    var claimant = $"C{rng.Next(4)}";
                    switch (rng.Next(9))
                    {
                        case 0 or 1 or 2:
                        {
                            var a = years[rng.Next(years.Length)];
                            var vt = rng.Next(2) == 0 ? a : $"{a}/{years[rng.Next(years.Length)]}";
                            ids.Add(s.OfficeTaken(Governor, Province, vt, claimant)); log.Add($"taken {vt}"); break;
                        }
                        case 3:
                        {
                            var a = years[rng.Next(years.Length)];
                            ids.Add(s.OfficeLeft(Governor, Province, a, claimant)); log.Add($"left {a}"); break;
                        }
                        case 4:
                        {
                            var a = years[rng.Next(years.Length)];
                            ids.Add(s.OfficeHeld(Governor, Province, a, claimant)); log.Add($"held {a}"); break;
                        }
                        case 5 when ids.Count > 0:
                        {
                            var t = rng.Next(ids.Count);
                            var vt = rng.Next(2) == 0 ? null : years[rng.Next(years.Length)];
                            ids.Add(s.Dispute(ids[t], claimant, vt)); log.Add($"dispute #{t} {vt}"); break;
                        }
                        case 6 or 7 when ids.Count > 0:
                        {
                            var t = rng.Next(ids.Count);
                            var v = (Verdict)rng.Next(Enum.GetValues<Verdict>().Length);
                            s.Rule(ids[t], v); log.Add($"rule #{t} {v}"); break;
                        }
                        case 8 when ids.Count > 0:
                        {
                            var t = rng.Next(ids.Count);
                            s.Retract(ids[t]); log.Add($"retract #{t}"); break;
                        }
                    }
                }
                catch (ArgumentException) { }
            }

            var projection = new ContradictionProjection();
            var docs = new Dictionary<string, Contradiction>();
            var i = 0;
            foreach (var e in s.Events)
            {
                if (ContradictionProjection.KeyOf(e.Data) is not { } key) continue;
                i++;
                if (projection.Evolve(docs.GetValueOrDefault(key), key, e) is not { } doc) continue;
                docs[key] = doc;
                var whole = PropositionLedger.ContestedSince(doc.Claims);
                if (doc.ContestedSince != whole)
                {
                    failures.Add($"seed {seed} after event {i}: stored {doc.ContestedSince:O}, whole {whole:O}; {string.Join("; ", log)}");
                    break;
                }
            }
        }

        failures.ShouldBeEmpty();
    }
}
