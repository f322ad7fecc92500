using System.Buffers.Binary;
using System.Text;
using Voting.Core.Hashing;

namespace Voting.Core.Ballots;

/// <summary>
/// SHA-256 over the ballot's canonical encoding: the receipt a voter keeps and the Merkle log's
/// leaf data. Canonical encoding, version 1:
/// <c>"voting/ballot/v1" || u32be(len) || election id || u32be(len) || state || u32be(len) || candidate || ballot id (16 bytes)</c>,
/// strings in UTF-8. Length prefixes make field boundaries unambiguous.
/// </summary>
public static class BallotHash
{
    public const int Size = 32;

    /// <summary>Canonical encodings up to this length are written on the stack by <see cref="Matches"/>.</summary>
    private const int MaxStackCanonical = 512;

    private static readonly byte[] DomainTag = "voting/ballot/v1"u8.ToArray();

    /// <summary>The canonical bytes of <paramref name="ballot"/>, the exact input of the hash.</summary>
    public static byte[] CanonicalBytes(Ballot ballot)
    {
        ArgumentNullException.ThrowIfNull(ballot);
        var bytes = new byte[CanonicalLength(ballot.ElectionId, ballot.State, ballot.Candidate, ballot.BallotId)];
        WriteCanonical(bytes, ballot.ElectionId, ballot.State, ballot.Candidate, ballot.BallotId);
        return bytes;
    }

    /// <summary>SHA-256 of the canonical encoding.</summary>
    public static byte[] Compute(Ballot ballot)
    {
        var hash = new byte[Size];
        ThreadLocalSha256.HashData(CanonicalBytes(ballot), hash);
        return hash;
    }

    /// <summary>
    /// Whether <paramref name="hash"/> is the hash of the ballot made of the other arguments: what
    /// <see cref="Compute"/> gives, without allocating, for checking every message of a batch.
    /// </summary>
    public static bool Matches(ReadOnlySpan<byte> hash, string electionId, string state, string candidate, ReadOnlySpan<byte> ballotId)
    {
        // Messages cap their fields at 64 characters, so a checked message always fits the stack.
        var length = CanonicalLength(electionId, state, candidate, ballotId);
        var canonical = length <= MaxStackCanonical ? stackalloc byte[MaxStackCanonical] : new byte[length];
        canonical = canonical[..length];
        WriteCanonical(canonical, electionId, state, candidate, ballotId);
        Span<byte> computed = stackalloc byte[Size];
        ThreadLocalSha256.HashData(canonical, computed);
        return hash.SequenceEqual(computed);
    }

    private static int CanonicalLength(string electionId, string state, string candidate, ReadOnlySpan<byte> ballotId)
    {
        if (ballotId.Length != Ballot.BallotIdSize)
        {
            throw new ArgumentException($"A ballot id is {Ballot.BallotIdSize} bytes, not {ballotId.Length}.", nameof(ballotId));
        }

        return DomainTag.Length + 12 + Encoding.UTF8.GetByteCount(electionId) + Encoding.UTF8.GetByteCount(state)
            + Encoding.UTF8.GetByteCount(candidate) + Ballot.BallotIdSize;
    }

    /// <summary>Writes the canonical encoding into <paramref name="destination"/>, exactly <see cref="CanonicalLength"/> bytes.</summary>
    private static void WriteCanonical(Span<byte> destination, string electionId, string state, string candidate, ReadOnlySpan<byte> ballotId)
    {
        DomainTag.CopyTo(destination);
        var span = destination[DomainTag.Length..];
        foreach (var field in (ReadOnlySpan<string>)[electionId, state, candidate])
        {
            var written = Encoding.UTF8.GetBytes(field, span[4..]);
            BinaryPrimitives.WriteUInt32BigEndian(span, (uint)written);
            span = span[(4 + written)..];
        }

        ballotId.CopyTo(span);
    }

    /// <summary>The receipt string a voter is given: the hash in lower-case hex.</summary>
    public static string ToReceipt(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    /// <summary>Parses a receipt back to its 32 hash bytes; false for anything else.</summary>
    public static bool TryParseReceipt(string? receipt, out byte[] hash)
    {
        hash = [];
        if (receipt is null || receipt.Length != Size * 2)
        {
            return false;
        }

        try
        {
            hash = Convert.FromHexString(receipt);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
