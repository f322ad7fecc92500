using System.Text.RegularExpressions;
using Voting.Core.Merkle;

namespace Voting.Verifier;

/// <summary>Strict parsing of the hex hashes and addresses in proof documents; anything else cannot be checked.</summary>
internal static partial class HashHex
{
    /// <summary>Parses a 32-byte hash written in hex (optionally <c>0x</c>-prefixed, any case).</summary>
    /// <param name="value">The text from the document.</param>
    /// <param name="field">The field's name, for the message.</param>
    /// <returns>The 32 bytes.</returns>
    /// <exception cref="CannotCheckException">The value is missing, not hex, or not 32 bytes.</exception>
    public static byte[] Parse(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new CannotCheckException($"{field} is missing");
        }

        var hex = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? value[2..] : value;
        if (hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new CannotCheckException($"{field} is not hex: '{Clip(value)}'");
        }

        if (hex.Length != MerkleHashing.HashSize * 2)
        {
            throw new CannotCheckException($"{field} has {hex.Length / 2} bytes; a SHA-256 hash has {MerkleHashing.HashSize}");
        }

        return Convert.FromHexString(hex);
    }

    /// <summary>Parses a hash that may be absent (a field the verifier never trusts); null when absent.</summary>
    /// <param name="value">The text from the document.</param>
    /// <param name="field">The field's name, for the message.</param>
    /// <returns>The 32 bytes, or null.</returns>
    /// <exception cref="CannotCheckException">The value is present but not a 32-byte hex hash.</exception>
    public static byte[]? ParseOptional(string? value, string field) => string.IsNullOrEmpty(value) ? null : Parse(value, field);

    /// <summary>Checks a contract address: <c>0x</c> and 40 hex digits.</summary>
    /// <param name="value">The address.</param>
    /// <param name="source">Where it came from, for the message.</param>
    /// <returns>The address as given.</returns>
    /// <exception cref="CannotCheckException">It is missing or not an address.</exception>
    public static string ParseAddress(string? value, string source)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new CannotCheckException($"{source} is missing");
        }

        return AddressPattern().IsMatch(value)
            ? value
            : throw new CannotCheckException($"{source} '{Clip(value)}' is not a contract address (0x and 40 hex digits)");
    }

    /// <summary>Lower-case hex of a hash.</summary>
    public static string Format(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    /// <summary>The first 16 hex digits and an ellipsis, to name a hash in a message.</summary>
    public static string Short(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash[..Math.Min(8, hash.Length)]) + "…";

    /// <summary>At most 80 characters of <paramref name="value"/>, control characters escaped: an error stays one line.</summary>
    private static string Clip(string value)
    {
        var clipped = value.Length <= 80 ? value : value[..80] + "…";
        return clipped.Any(char.IsControl)
            ? string.Concat(clipped.Select(c => c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            }))
            : clipped;
    }

    [GeneratedRegex(@"\A0x[0-9a-fA-F]{40}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AddressPattern();
}
