using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

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

    private static readonly byte[] DomainTag = "voting/ballot/v1"u8.ToArray();

    /// <summary>The canonical bytes of <paramref name="ballot"/>, the exact input of the hash.</summary>
    public static byte[] CanonicalBytes(Ballot ballot)
    {
        ArgumentNullException.ThrowIfNull(ballot);
        if (ballot.BallotId.Length != Ballot.BallotIdSize)
        {
            throw new ArgumentException($"A ballot id is {Ballot.BallotIdSize} bytes, not {ballot.BallotId.Length}.", nameof(ballot));
        }

        var election = Encoding.UTF8.GetBytes(ballot.ElectionId);
        var state = Encoding.UTF8.GetBytes(ballot.State);
        var candidate = Encoding.UTF8.GetBytes(ballot.Candidate);
        var bytes = new byte[DomainTag.Length + 12 + election.Length + state.Length + candidate.Length + Ballot.BallotIdSize];
        var span = bytes.AsSpan();
        DomainTag.CopyTo(span);
        span = span[DomainTag.Length..];
        foreach (var field in (ReadOnlySpan<byte[]>)[election, state, candidate])
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, (uint)field.Length);
            field.CopyTo(span[4..]);
            span = span[(4 + field.Length)..];
        }

        ballot.BallotId.CopyTo(span);
        return bytes;
    }

    /// <summary>SHA-256 of the canonical encoding.</summary>
    public static byte[] Compute(Ballot ballot) => SHA256.HashData(CanonicalBytes(ballot));

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
