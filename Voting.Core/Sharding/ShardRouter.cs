using System.Collections.Frozen;
using System.IO.Hashing;
using Voting.Core.Geography;

namespace Voting.Core.Sharding;

/// <summary>
/// The shard rule, in one place: a state's rows all live in one database (so a state's count is a
/// single-database query), and within it rows spread over 64 tables by a hash of their own id.
/// </summary>
public static class ShardRouter
{
    // States are packed into databases largest-first, each into the currently lightest database
    // (longest-processing-time scheduling). Deterministic: the input order is fixed, ties break by index.
    private static readonly FrozenDictionary<string, int> DatabaseByState = PackStatesByPopulation();

    /// <summary>The shard database (0–15) that holds every row of <paramref name="stateCode"/>.</summary>
    /// <exception cref="ArgumentException">The code is not a US state or DC.</exception>
    public static int DatabaseFor(string stateCode) =>
        DatabaseByState.TryGetValue(stateCode, out var database)
            ? database
            : throw new ArgumentException($"'{stateCode}' is not a US state or DC code.", nameof(stateCode));

    /// <summary>The table (0–63) within a database for a row keyed by <paramref name="id"/> (pseudonym or ballot id).</summary>
    public static int TableFor(ReadOnlySpan<byte> id)
    {
        if (id.IsEmpty)
        {
            throw new ArgumentException("A row id must not be empty.", nameof(id));
        }

        return (int)(XxHash64.HashToUInt64(id) % ShardLayout.TablesPerDatabase);
    }

    /// <summary>The full address of a row of <paramref name="stateCode"/> keyed by <paramref name="id"/>.</summary>
    public static ShardAddress Route(string stateCode, ReadOnlySpan<byte> id) => new(DatabaseFor(stateCode), TableFor(id));

    /// <summary>The states a database holds, for operators and per-shard queries.</summary>
    public static IReadOnlyList<string> StatesIn(int database) =>
        [.. DatabaseByState.Where(pair => pair.Value == database).Select(pair => pair.Key).Order(StringComparer.Ordinal)];

    private static FrozenDictionary<string, int> PackStatesByPopulation()
    {
        var load = new long[ShardLayout.DatabaseCount];
        var assignment = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var state in UsStates.All.OrderByDescending(s => s.Population).ThenBy(s => s.Code, StringComparer.Ordinal))
        {
            var lightest = 0;
            for (var database = 1; database < load.Length; database++)
            {
                if (load[database] < load[lightest])
                {
                    lightest = database;
                }
            }

            load[lightest] += state.Population;
            assignment[state.Code] = lightest;
        }

        return assignment.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
