using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Voting.Core.Identity;

namespace Voting.Core.Ballots;

/// <summary>
/// A client's <c>Idempotency-Key</c> for one ballot: a random string it chooses once and sends with
/// every retry of that ballot. The ballot id is derived from it (and the voter's pseudonym), so a
/// retry after a lost answer casts the very same ballot — same id, same hash, same receipt — and the
/// processor's unique keys keep it once, whichever copy arrives first. The key is never stored, and
/// the id is an HMAC under the election's secret: a client that picks a guessable key (a timestamp,
/// a counter) still gives nobody who reads the shards a way to recompute a ballot's id from a
/// participation row's pseudonym, which would link the voter to the choice.
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

    /// <summary>
    /// The ballot id for this key: the first 16 bytes of HMAC-SHA256 under the election's secret (the
    /// one pseudonyms are made with) over a domain tag, the election, the pseudonym and the key.
    /// </summary>
    public static byte[] BallotId(ReadOnlySpan<byte> electionSecret, string electionId, ReadOnlySpan<byte> pseudonym, string key)
    {
        if (!IsValid(key))
        {
            throw new ArgumentException($"An idempotency key must be {Rule}.", nameof(key));
        }

        if (electionSecret.Length < VoterPseudonym.MinimumSecretBytes)
        {
            throw new ArgumentException($"The election secret must be at least {VoterPseudonym.MinimumSecretBytes} bytes.", nameof(electionSecret));
        }

        ArgumentException.ThrowIfNullOrEmpty(electionId);

        // Length-prefixed fields, as in VoterPseudonym; the tag keeps the two HMACs' inputs apart
        // (a pseudonym's input starts with a length, never with these bytes).
        var election = Encoding.UTF8.GetBytes(electionId);
        var input = new byte[Tag.Length + 4 + election.Length + 4 + pseudonym.Length + key.Length];
        var span = input.AsSpan();
        Tag.CopyTo(span);
        span = span[Tag.Length..];
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)election.Length);
        election.CopyTo(span[4..]);
        span = span[(4 + election.Length)..];
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)pseudonym.Length);
        pseudonym.CopyTo(span[4..]);
        span = span[(4 + pseudonym.Length)..];
        Encoding.ASCII.GetBytes(key, span);
        return HMACSHA256.HashData(electionSecret, input)[..Ballot.BallotIdSize];
    }

    private static readonly byte[] Tag = "voting/ballot-id/v2\0"u8.ToArray();
}
