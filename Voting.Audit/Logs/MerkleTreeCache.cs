using System.Collections.Concurrent;
using Voting.Core.Merkle;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Logs;

/// <summary>
/// Each election's Merkle tree in memory, caught up with the log database on demand. The log is
/// append-only, so catching up reads the leaves past the tree's current size, and the tree's last
/// leaf again (in the same read, only when the log has grown): a log shorter than the tree, or whose
/// leaf there changed, had leaves removed from its end (and maybe others appended in their place).
/// The tree is then rebuilt from what the log holds now, so that the checks against earlier
/// checkpoints (<see cref="Voting.Core.Merkle.LogContinuity"/>) see the log as it is and report the
/// break, instead of a tree that still holds the removed leaves.
/// A leaf rewritten further back is not re-read here; the scheduled audit recomputes every leaf.
/// </summary>
public sealed class MerkleTreeCache(MerkleLogReader log)
{
    private readonly ConcurrentDictionary<string, Entry> trees = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="use"/> with the election's tree caught up with the log (exclusive: the tree isn't thread-safe).</summary>
    public async Task<T> WithTreeAsync<T>(string electionId, Func<MerkleTree, T> use, CancellationToken cancellationToken)
    {
        var entry = trees.GetOrAdd(electionId, _ => new Entry());
        await entry.Lock.WaitAsync(cancellationToken);
        try
        {
            var size = await log.TreeSizeAsync(electionId, cancellationToken);
            if (size < entry.Tree.Size || (size > entry.Tree.Size && !await CatchUpAsync(electionId, entry.Tree, size, cancellationToken)))
            {
                entry.Tree = new MerkleTree();
                await CatchUpAsync(electionId, entry.Tree, size, cancellationToken);
            }

            return use(entry.Tree);
        }
        finally
        {
            entry.Lock.Release();
        }
    }

    // Appends the log's leaves up to `size`, reading from the tree's last leaf (one read): false, with
    // nothing appended, when the log no longer holds that leaf there.
    private async Task<bool> CatchUpAsync(string electionId, MerkleTree tree, long size, CancellationToken cancellationToken)
    {
        var known = tree.Size;
        var verified = known == 0;
        await foreach (var (index, ballotHash) in log.LeavesAsync(electionId, Math.Max(0, known - 1), size, cancellationToken))
        {
            if (!verified)
            {
                if (index != known - 1 || !MerkleHashing.LeafHash(ballotHash).AsSpan().SequenceEqual(tree.LeafHashAt(known - 1)))
                {
                    return false;
                }

                verified = true;
                continue;
            }

            if (index != tree.Size)
            {
                throw new InvalidOperationException($"The log of {electionId} has a gap: expected leaf {tree.Size}, found {index}.");
            }

            tree.AppendLeafData(ballotHash);
        }

        return verified; // not verified: no entry where the tree has its last leaf
    }

    private sealed class Entry
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public MerkleTree Tree { get; set; } = new();
    }
}
