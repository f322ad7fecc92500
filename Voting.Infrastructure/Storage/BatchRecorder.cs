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
    /// <summary>Voter (election/pseudonym) → ballot hash, for every voter of every batch in flight here.</summary>
    private readonly Dictionary<string, string> reserved = new(StringComparer.Ordinal);

    public async Task<BatchOutcome> RecordAsync(IReadOnlyList<VoteMessage> votes, CancellationToken cancellationToken)
    {
        var mine = new List<VoteMessage>(votes.Count);
        var replayed = new List<VoteMessage>();
        var duplicates = 0;
        lock (reserved)
        {
            foreach (var vote in votes)
            {
                if (reserved.TryGetValue(VoterKey(vote), out var hash))
                {
                    if (hash == BallotStore.HashKey(vote))
                    {
                        replayed.Add(vote);
                    }
                    else
                    {
                        duplicates++;
                    }

                    continue;
                }

                reserved.Add(VoterKey(vote), BallotStore.HashKey(vote));
                mine.Add(vote);
            }
        }

        try
        {
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

            var storedHashes = written.Stored.Concat(written.Replayed).Select(BallotStore.HashKey).ToHashSet(StringComparer.Ordinal);
            return new BatchOutcome(written.Stored, [.. replayed, .. written.Replayed], duplicates + written.DuplicateAttempts, written.Shards)
            {
                LeavesAppended = appended.Appended,
                LeavesWithoutRow = [.. fresh.Where(v => !storedHashes.Contains(BallotStore.HashKey(v)))],
            };
        }
        finally
        {
            lock (reserved)
            {
                foreach (var vote in mine)
                {
                    reserved.Remove(VoterKey(vote));
                }
            }
        }
    }

    private static string VoterKey(VoteMessage vote) => vote.ElectionId + "/" + Convert.ToHexString(vote.Pseudonym);
}
