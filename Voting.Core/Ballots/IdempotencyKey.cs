using System.Security.Cryptography;
using System.Text;

namespace Voting.Core.Ballots;

/// <summary>
/// A client's <c>Idempotency-Key</c> for one ballot: a random string it chooses once and sends with
/// every retry of that ballot. The ballot id is derived from it (and the voter's pseudonym), so a
/// retry after a lost answer casts the very same ballot — same id, same hash, same receipt — and the
/// processor's unique keys keep it once, whichever copy arrives first. The key is never stored; only
/// someone holding it and the voter's pseudonym could recompute the id, as only the receipt's
/// holder can find the receipt.
/// </summary>
public static class IdempotencyKey
{
    public const string HeaderName = "Idempotency-Key";
    public const int MinLength = 16;
    public const int MaxLength = 128;

    /// <summary>What a valid key looks like, for error messages.</summary>
    public const string Rule = "16–128 characters of A–Z, a–z, 0–9, '-' and '_' (a UUID or 128 random bits, base64url)";

    public static bool IsValid(string? key) =>
        key is { Length: >= MinLength and <= MaxLength } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The ballot id for this key: the first 16 bytes of SHA-256 over a domain tag, the election, the pseudonym and the key.</summary>
    public static byte[] BallotId(string electionId, ReadOnlySpan<byte> pseudonym, string key)
    {
        if (!IsValid(key))
        {
            throw new ArgumentException($"An idempotency key must be {Rule}.", nameof(key));
        }

        var election = Encoding.UTF8.GetBytes(electionId);
        var keyBytes = Encoding.ASCII.GetBytes(key);
        var input = new byte[Tag.Length + 4 + election.Length + 4 + pseudonym.Length + keyBytes.Length];
        var span = input.AsSpan();
        Tag.CopyTo(span);
        span = span[Tag.Length..];
        foreach (var field in new[] { election, pseudonym.ToArray() })
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(span, (uint)field.Length);
            field.CopyTo(span[4..]);
            span = span[(4 + field.Length)..];
        }

        keyBytes.CopyTo(span);
        return SHA256.HashData(input)[..Ballot.BallotIdSize];
    }

    private static readonly byte[] Tag = "voting/ballot-id/v1\0"u8.ToArray();
}
