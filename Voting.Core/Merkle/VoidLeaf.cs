using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Voting.Core.Merkle;

/// <summary>
/// The leaf data of a log position that holds no ballot: a range of positions reserved for a batch
/// whose appender never filled it (it crashed or lost its database session), or filled only in part
/// (some of its ballots were in the log already), is filled with void leaves, so the log stays
/// contiguous and its later leaves can be checkpointed. A void
/// leaf is SHA-256 over its own canonical encoding, version 1:
/// <c>"voting/void-leaf/v1" || u32be(len) || election id (UTF-8) || u64be(position)</c>.
/// It names its election and position, so it is unique in the log (the leaf data's unique key) and
/// anyone can tell it is void; and its domain tag differs from a ballot's
/// (<see cref="Ballots.BallotHash"/>), so no ballot hashes to it.
/// </summary>
public static class VoidLeaf
{
    private static readonly byte[] DomainTag = "voting/void-leaf/v1"u8.ToArray();

    /// <summary>The void leaf data of <paramref name="position"/> in <paramref name="electionId"/>'s log.</summary>
    public static byte[] For(string electionId, long position)
    {
        ArgumentNullException.ThrowIfNull(electionId);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        var electionLength = Encoding.UTF8.GetByteCount(electionId);
        var canonical = new byte[DomainTag.Length + 4 + electionLength + 8];
        DomainTag.CopyTo(canonical, 0);
        var at = DomainTag.Length;
        BinaryPrimitives.WriteUInt32BigEndian(canonical.AsSpan(at), (uint)electionLength);
        at += 4;
        at += Encoding.UTF8.GetBytes(electionId, canonical.AsSpan(at));
        BinaryPrimitives.WriteUInt64BigEndian(canonical.AsSpan(at), (ulong)position);
        return SHA256.HashData(canonical);
    }

    /// <summary>Whether <paramref name="leafData"/> is the void leaf of that position.</summary>
    public static bool Is(string electionId, long position, ReadOnlySpan<byte> leafData) =>
        leafData.Length == MerkleHashing.HashSize && leafData.SequenceEqual(For(electionId, position));
}
