using System.Security.Cryptography;
using System.Text;

namespace Voting.Core.Identity;

/// <summary>
/// The only voter key any store ever sees: HMAC-SHA256 of the election id and voter id under the
/// election's secret. Without the secret a pseudonym cannot be computed from a voter id, and
/// pseudonyms of different elections are unrelated.
/// </summary>
public static class VoterPseudonym
{
    public const int SizeInBytes = 32;

    /// <summary>Minimum secret length: 256 bits, the HMAC-SHA256 block-size guidance for full strength.</summary>
    public const int MinimumSecretBytes = 32;

    /// <summary>Computes the pseudonym of <paramref name="voterId"/> in <paramref name="electionId"/>.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> electionSecret, string electionId, string voterId)
    {
        var pseudonym = new byte[SizeInBytes];
        Compute(electionSecret, electionId, voterId, pseudonym);
        return pseudonym;
    }

    /// <summary>Writes the 32-byte pseudonym into <paramref name="destination"/> without allocating.</summary>
    public static void Compute(ReadOnlySpan<byte> electionSecret, string electionId, string voterId, Span<byte> destination)
    {
        if (electionSecret.Length < MinimumSecretBytes)
        {
            throw new ArgumentException($"The election secret must be at least {MinimumSecretBytes} bytes.", nameof(electionSecret));
        }

        ArgumentException.ThrowIfNullOrEmpty(electionId);
        ArgumentException.ThrowIfNullOrEmpty(voterId);

        // Length-prefixed fields: ("ab","c") and ("a","bc") must not collide.
        var electionBytes = Encoding.UTF8.GetByteCount(electionId);
        var voterBytes = Encoding.UTF8.GetByteCount(voterId);
        var length = 8 + electionBytes + voterBytes;
        Span<byte> message = length <= 512 ? stackalloc byte[length] : new byte[length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(message, electionBytes);
        Encoding.UTF8.GetBytes(electionId, message[4..]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(message[(4 + electionBytes)..], voterBytes);
        Encoding.UTF8.GetBytes(voterId, message[(8 + electionBytes)..]);
        HMACSHA256.HashData(electionSecret, message, destination);
    }
}
