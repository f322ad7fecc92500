namespace Voting.Core.Audit;

/// <summary>An election's checkpoints, oldest first, and where they are anchored.</summary>
/// <param name="ElectionId">Election.</param>
/// <param name="ChainId">Chain of the anchor contract.</param>
/// <param name="Contract">Anchor contract address (null until the chain was first reached).</param>
/// <param name="LogSize">Leaves in the log now.</param>
/// <param name="Queued">Checkpoints not on chain: not sent yet, or queued again after a reorganisation undid their anchor.</param>
/// <param name="Checkpoints">All checkpoints.</param>
/// <param name="Confirming">Checkpoints mined on chain whose blocks are not deep enough yet to count.</param>
public sealed record CheckpointList(
    string ElectionId, long ChainId, string? Contract, long LogSize, int Queued, IReadOnlyList<CheckpointView> Checkpoints, int Confirming);
