using Voting.Infrastructure.Redis;

namespace Voting.Ingest.Casting;

/// <summary>One cast attempt waiting in <see cref="VoteCaster"/>'s queue for its batch; the batch settles <see cref="Outcome"/>.</summary>
public sealed class PendingVote(VoterKey voter, string state, string candidate, byte[]? ballotId)
{
    private readonly TaskCompletionSource<CastOutcome> outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public VoterKey Voter { get; } = voter;

    public string State { get; } = state;

    public string Candidate { get; } = candidate;

    /// <summary>The ballot id every retry with the client's idempotency key casts; null: a fresh random one.</summary>
    public byte[]? BallotId { get; } = ballotId;

    public Task<CastOutcome> Outcome => outcome.Task;

    public void Settle(CastOutcome result) => outcome.TrySetResult(result);

    public void Fail(Exception error) => outcome.TrySetException(error);
}
