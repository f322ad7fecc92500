namespace Voting.Core.Merkle;

/// <summary>
/// Whether a log still holds what an earlier checkpoint of it said: an append-only log's first
/// <c>size</c> leaves hash, for ever, to the root its checkpoint of that size recorded. A log that
/// has fewer leaves, or whose first leaves give another root, was shortened or rewritten, and a
/// root taken from it must not be anchored after the earlier one.
/// </summary>
public static class LogContinuity
{
    /// <summary>
    /// Null when the first <paramref name="size"/> leaves of <paramref name="tree"/> give
    /// <paramref name="root"/>; otherwise one sentence saying how the log departs from
    /// <paramref name="checkpoint"/> (a name such as "the checkpoint anchored on chain at size 40").
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public static string? Break(MerkleTree tree, long size, ReadOnlySpan<byte> root, string checkpoint)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (tree.Size < size)
        {
            return $"The log holds {tree.Size} leaves, fewer than the {size} of {checkpoint}: leaves were removed.";
        }

        var logRoot = tree.RootAt(size);
        return logRoot.AsSpan().SequenceEqual(root)
            ? null
            : $"The log's first {size} leaves hash to {Convert.ToHexStringLower(logRoot)}, not to {Convert.ToHexStringLower(root)} as in {checkpoint}: leaves were rewritten.";
    }
}
