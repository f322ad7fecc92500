using System.Globalization;

namespace Voting.Bench.Gate;

/// <summary>Command-line settings of the voter gate benchmark.</summary>
internal sealed record GateArguments(int Votes = 400_000, int BatchSize = 128, int InFlight = 4, string Out = "bench/results/voter-gate.md")
{
    /// <summary>Filter shards (hash tags) the cluster phases run with, one phase each.</summary>
    public int[] ClusterShards { get; init; } = [64, 128, 256];

    public const string Usage =
        "usage: Voting.Bench.Gate [--votes N] [--batch N] [--in-flight N] [--cluster-shards N[,N...]] [--out FILE]";

    /// <summary>The settings, or null when an argument is unknown or not a positive number.</summary>
    public static GateArguments? Parse(string[] args)
    {
        var parsed = new GateArguments();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                return null;
            }

            var value = args[i + 1];
            parsed = args[i] switch
            {
                "--votes" when Positive(value) is { } n => parsed with { Votes = n },
                "--batch" when Positive(value) is { } n => parsed with { BatchSize = n },
                "--in-flight" when Positive(value) is { } n => parsed with { InFlight = n },
                "--cluster-shards" when List(value) is { } shards => parsed with { ClusterShards = shards },
                "--out" => parsed with { Out = value },
                _ => null,
            };
            if (parsed is null)
            {
                return null;
            }
        }

        return parsed;
    }

    private static int? Positive(string value) => int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static int[]? List(string value)
    {
        var items = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Positive).ToArray();
        return items.Length > 0 && items.All(n => n is not null) ? [.. items.Select(n => n!.Value)] : null;
    }
}
