using System.Collections.Concurrent;

namespace Voting.Audit.Anchoring;

/// <summary>
/// The elections whose log no longer holds what an earlier checkpoint of it said (see
/// <see cref="Voting.Core.Merkle.LogContinuity"/>), found while taking a checkpoint or before anchoring one.
/// Nothing further of such an election is checkpointed or anchored until its log holds again
/// (restored, and the service restarted to read it afresh); <see cref="LogIntegrityHealthCheck"/>
/// reports them.
/// </summary>
public sealed class LogIntegrity
{
    /// <summary>Where the break was found.</summary>
    public enum Stage
    {
        /// <summary>Against the newest checkpoint in the log database, before taking the next.</summary>
        Checkpoint,

        /// <summary>Against the newest checkpoint on chain, before anchoring the next.</summary>
        Anchor,
    }

    private readonly ConcurrentDictionary<(string Election, Stage Stage), string> breaks = new();

    /// <summary>Records a break; true when it is new or differs from the one recorded (worth logging again).</summary>
    public bool Report(string electionId, Stage stage, string problem)
    {
        var changed = true;
        breaks.AddOrUpdate((electionId, stage), problem, (_, known) =>
        {
            changed = known != problem;
            return problem;
        });
        return changed;
    }

    /// <summary>The stage found the election's log whole; true when it had reported a break before.</summary>
    public bool Clear(string electionId, Stage stage) => breaks.TryRemove((electionId, stage), out _);

    /// <summary>Every break recorded now, by election and stage.</summary>
    public IReadOnlyList<(string ElectionId, Stage Stage, string Problem)> Breaks =>
        [.. breaks.OrderBy(b => b.Key.Election, StringComparer.Ordinal).ThenBy(b => b.Key.Stage).Select(b => (b.Key.Election, b.Key.Stage, b.Value))];
}
