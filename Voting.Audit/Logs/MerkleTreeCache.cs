using System.Collections.Concurrent;
using Voting.Core.Merkle;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Logs;

/// <summary>
/// Each election's Merkle tree in memory, caught up with the log database on demand. The log is
/// append-only, so catching up only reads the leaves past the tree's current size.
/// </summary>
public sealed class MerkleTreeCache(MerkleLogReader log)
{
    private readonly ConcurrentDictionary<string, (SemaphoreSlim Lock, MerkleTree Tree)> trees = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="use"/> with the election's tree caught up with the log (exclusive: the tree isn't thread-safe).</summary>
    public async Task<T> WithTreeAsync<T>(string electionId, Func<MerkleTree, T> use, CancellationToken cancellationToken)
    {
        var (gate, tree) = trees.GetOrAdd(electionId, _ => (new SemaphoreSlim(1, 1), new MerkleTree()));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var size = await log.TreeSizeAsync(electionId, cancellationToken);
            if (size > tree.Size)
            {
                await foreach (var (index, ballotHash) in log.LeavesAsync(electionId, tree.Size, size, cancellationToken))
                {
                    if (index != tree.Size)
                    {
                        throw new InvalidOperationException($"The log of {electionId} has a gap: expected leaf {tree.Size}, found {index}.");
                    }

                    tree.AppendLeafData(ballotHash);
                }
            }

            return use(tree);
        }
        finally
        {
            gate.Release();
        }
    }
}
