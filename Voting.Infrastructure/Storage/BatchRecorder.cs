using Voting.Core.Ballots;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Records a batch of votes exactly once, each ballot row written once, already holding its Merkle
/// log position:
/// <list type="number">
/// <item>each voter is reserved against the other batches this instance has in flight (the first
/// batch to reserve a voter decides for them; another ballot of theirs elsewhere is a second ballot);</item>
/// <item>the shards say which voters voted already, and whether with this very ballot (a replay);</item>
/// <item>the new ballots are appended to the Merkle log (a hash already there keeps its place: the
/// replay of a batch that stopped after this step);</item>
/// <item>one transaction per shard database writes participation and ballot rows, with the leaf
/// indices, and the tally outbox.</item>
/// </list>
/// A second ballot must never get a leaf it will have no row for, so every voter is checked before
/// the append; <see cref="BatchOutcome.LeavesWithoutRow"/> reports what only a concurrent writer
/// outside this instance could still cause.
/// </summary>
public sealed class BatchRecorder(BallotStore ballots, MerkleLogAppender log)
{
    /// <summary>Voter (election/pseudonym) → the ballot hash and batch that reserved them, for every batch in flight here.</summary>
    private readonly Dictionary<ParticipationKey, (Bytes32 Hash, object Batch)> reserved = [];

    /// <summary>Records <paramref name="votes"/> as one batch, and ends its reservations whatever happens.</summary>
    public async Task<BatchOutcome> RecordAsync(IReadOnlyList<VoteMessage> votes, CancellationToken cancellationToken)
    {
        var batch = new object();
        try
        {
            return await RecordAsync(votes, batch, cancellationToken);
        }
        finally
        {
            Release(batch);
        }
    }

    /// <summary>
    /// Records <paramref name="votes"/> as the batch <paramref name="batch"/>. Its voters stay reserved
    /// until <see cref="Release"/>, across retries: an attempt that failed after its log append must
    /// find its voters still its own when retried, or a later batch could store another ballot of one
    /// of them, and the leaf appended first would have no row.
    /// </summary>
    public async Task<BatchOutcome> RecordAsync(IReadOnlyList<VoteMessage> votes, object batch, CancellationToken cancellationToken)
    {
        var mine = new List<VoteMessage>(votes.Count);
        var replayed = new List<VoteMessage>();
        var duplicates = 0;
        var seen = new Dictionary<ParticipationKey, Bytes32>(votes.Count);
        lock (reserved)
        {
            foreach (var vote in votes)
            {
                var voter = ParticipationKey.Of(vote);
                var hash = BallotStore.HashKey(vote);
                Bytes32? earlier = seen.TryGetValue(voter, out var seenHash) ? seenHash
                    : reserved.TryGetValue(voter, out var other) && other.Batch != batch ? other.Hash
                    : null;
                if (earlier is not null)
                {
                    if (earlier == hash)
                    {
                        replayed.Add(vote);
                    }
                    else
                    {
                        duplicates++;
                    }

                    continue;
                }

                seen[voter] = hash;
                reserved.TryAdd(voter, (hash, batch));
                mine.Add(vote);
            }
        }

        var standings = await ballots.CheckAsync(mine, cancellationToken);
        var fresh = new List<VoteMessage>(mine.Count);
        var notLogged = new List<VoteMessage>();
        for (var i = 0; i < mine.Count; i++)
        {
            switch (standings[i])
            {
                case BallotStanding.New:
                    fresh.Add(mine[i]);
                    break;
                case BallotStanding.Stored:
                    replayed.Add(mine[i]);
                    break;
                case BallotStanding.StoredNotLogged:
                    notLogged.Add(mine[i]);
                    replayed.Add(mine[i]);
                    break;
                default:
                    duplicates++;
                    break;
            }
        }

        var appended = await log.AppendAsync([.. fresh, .. notLogged], cancellationToken);
        var written = await ballots.WriteAsync(fresh, appended.Positions, cancellationToken);
        // Rows found stored only at the write (another writer got there since the check) are
        // given their positions too: rare, and such a row may come from a version that stored
        // it without one. Setting a row's index to the value it holds changes nothing.
        List<VoteMessage> withoutIndex = [.. notLogged, .. written.Replayed];
        if (withoutIndex.Count > 0)
        {
            await log.RecordPositionsAsync(withoutIndex, appended.Positions, cancellationToken);
        }

        return new BatchOutcome(written.Stored, [.. replayed, .. written.Replayed], duplicates + written.DuplicateAttempts, written.Shards)
        {
            LeavesAppended = appended.Appended,
            LeavesWithoutRow = written.DuplicateAttempts == 0 ? [] : RefusedAtTheWrite(fresh, written),
        };
    }

    /// <summary>
    /// The fresh ballots the write refused (as second ballots, or as holding another stored ballot's
    /// id; each was stored, found stored, or refused): they hold a leaf without a row.
    /// </summary>
    private static List<VoteMessage> RefusedAtTheWrite(List<VoteMessage> fresh, BatchOutcome written)
    {
        var kept = written.Stored.Concat(written.Replayed).Select(BallotStore.HashKey).ToHashSet();
        return [.. fresh.Where(v => !kept.Contains(BallotStore.HashKey(v)))];
    }

    /// <summary>
    /// Ends the reservations of <paramref name="batch"/>: once its ballots are stored, or when it is
    /// abandoned (its messages are then replayed from Kafka, as new).
    /// </summary>
    public void Release(object batch)
    {
        lock (reserved)
        {
            foreach (var (voter, holder) in reserved)
            {
                if (holder.Batch == batch)
                {
                    reserved.Remove(voter);
                }
            }
        }
    }
}
