using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Voting.Core.Identity;

/// <summary>
/// Verifies the election authority's voter tokens, and nothing else: a compact JWS (RFC 7515) signed
/// with HS256 by one of the authority's keys, whose JWT payload (RFC 7519) names the issuer and
/// audience expected here, carries an expiry (and may carry a not-before time), and holds the voter
/// claims <c>sub</c>, <c>state</c> and <c>election</c>. The signature is checked (in constant time)
/// before anything in the payload is read; any other algorithm, a critical header extension, a
/// duplicated claim or a character outside the base64url alphabet refuses the token. A general JWT
/// library accepts far more than this and cost ~70 µs of CPU per request on the write path (measured
/// under the ingest bench's load); this costs a few.
/// </summary>
public sealed class VoterTokenVerifier
{
    /// <summary>Longest token considered: a voter token is ~350 characters.</summary>
    public const int MaxTokenLength = 4096;

    private const int SignatureBytes = 32; // HMAC-SHA256
    private const string Algorithm = "HS256";
    private const long MinUnixSeconds = -62_135_596_800; // 0001-01-01
    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59

    private static readonly SearchValues<char> Base64UrlAndDots =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    private readonly VoterTokenKey[] keys;
    private readonly string issuer;
    private readonly string audience;
    private readonly TimeSpan clockSkew;

    public VoterTokenVerifier(IReadOnlyList<VoterTokenKey> keys, string issuer, string audience, TimeSpan clockSkew)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentOutOfRangeException.ThrowIfZero(keys.Count, nameof(keys));
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        ArgumentOutOfRangeException.ThrowIfLessThan(clockSkew, TimeSpan.Zero);
        this.keys = [.. keys];
        this.issuer = issuer;
        this.audience = audience;
        this.clockSkew = clockSkew;
    }

    /// <summary>Checks <paramref name="token"/> as of <paramref name="now"/>.</summary>
    public VoterTokenCheck Verify(ReadOnlySpan<char> token, DateTimeOffset now)
    {
        if (token.Length is 0 or > MaxTokenLength || token.ContainsAnyExcept(Base64UrlAndDots))
        {
            return VoterTokenCheck.Refused(VoterTokenFailure.Malformed);
        }

        var headerEnd = token.IndexOf('.');
        var payloadEnd = headerEnd < 0 ? -1 : token[(headerEnd + 1)..].IndexOf('.') + headerEnd + 1;
        if (headerEnd <= 0 || payloadEnd <= headerEnd + 1 || token[(payloadEnd + 1)..].Contains('.'))
        {
            return VoterTokenCheck.Refused(VoterTokenFailure.Malformed);
        }

        Span<byte> signature = stackalloc byte[SignatureBytes + 1];
        if (!TryDecode(token[(payloadEnd + 1)..], signature, out var signatureLength) || signatureLength != SignatureBytes)
        {
            return VoterTokenCheck.Refused(VoterTokenFailure.Malformed);
        }

        // One buffer for the signing input (the token's ASCII up to the second dot) and the decoded parts.
        var buffer = ArrayPool<byte>.Shared.Rent(token.Length * 2);
        try
        {
            var signingInput = buffer.AsSpan(0, payloadEnd);
            Encoding.ASCII.GetBytes(token[..payloadEnd], signingInput); // only base64url characters and one dot remain
            var decoded = buffer.AsSpan(payloadEnd);
            if (!TryDecode(token[..headerEnd], decoded, out var headerLength)
                || !ReadHeader(decoded[..headerLength], out var keyId))
            {
                return VoterTokenCheck.Refused(VoterTokenFailure.Malformed);
            }

            if (!SignedByAuthority(signingInput, signature[..SignatureBytes], keyId))
            {
                return VoterTokenCheck.Refused(VoterTokenFailure.BadSignature);
            }

            return TryDecode(token[(headerEnd + 1)..payloadEnd], decoded, out var payloadLength)
                ? CheckPayload(decoded[..payloadLength], now)
                : VoterTokenCheck.Refused(VoterTokenFailure.Malformed);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decodes base64url without throwing on text that isn't (<c>TryDecodeFromChars</c> throws).</summary>
    private static bool TryDecode(ReadOnlySpan<char> source, Span<byte> destination, out int written) =>
        Base64Url.DecodeFromChars(source, destination, out _, out written) == OperationStatus.Done;

    /// <summary>The header must be a JSON object naming HS256 and no critical extension; the key id is optional.</summary>
    private static bool ReadHeader(ReadOnlySpan<byte> json, out string? keyId)
    {
        keyId = null;
        var algorithmSeen = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("alg"u8))
                {
                    if (algorithmSeen || !reader.Read() || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(Algorithm))
                    {
                        return false;
                    }

                    algorithmSeen = true;
                }
                else if (reader.ValueTextEquals("kid"u8))
                {
                    if (keyId is not null || !reader.Read() || reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    keyId = reader.GetString();
                }
                else if (reader.ValueTextEquals("crit"u8))
                {
                    return false; // RFC 7515 §4.1.11: extensions this verifier does not understand
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return algorithmSeen && reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) // invalid JSON; invalid UTF-8 in a string
        {
            return false;
        }
    }

    /// <summary>
    /// Whether one of the keys made <paramref name="signature"/>, compared in constant time. The key the
    /// header names is tried first; the others still are, since key ids are positions in the configured
    /// list and a rotation (a new key put first) renames the keys older tokens name.
    /// </summary>
    private bool SignedByAuthority(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature, string? keyId)
    {
        Span<byte> expected = stackalloc byte[SignatureBytes];
        var named = keyId is null ? -1 : IndexOfKey(keyId);
        if (named >= 0 && Signed(keys[named].Secret, signingInput, signature, expected))
        {
            return true;
        }

        for (var index = 0; index < keys.Length; index++)
        {
            if (index != named && Signed(keys[index].Secret, signingInput, signature, expected))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The named key's place, -1 when none has that id (a loop: a lambda would allocate per token).</summary>
    private int IndexOfKey(string keyId)
    {
        for (var index = 0; index < keys.Length; index++)
        {
            if (keys[index].Id == keyId)
            {
                return index;
            }
        }

        return -1;
    }

    private static bool Signed(byte[] secret, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature, Span<byte> expected)
    {
        HMACSHA256.HashData(secret, signingInput, expected);
        return CryptographicOperations.FixedTimeEquals(expected, signature);
    }

    private VoterTokenCheck CheckPayload(ReadOnlySpan<byte> json, DateTimeOffset now)
    {
        string? tokenIssuer = null, voterId = null, state = null, electionId = null;
        long? expires = null, notBefore = null;
        bool? forUs = null; // null: no audience claim
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return VoterTokenCheck.Refused(VoterTokenFailure.Malformed);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var ok = reader.ValueTextEquals("iss"u8) ? ReadString(ref reader, ref tokenIssuer)
                    : reader.ValueTextEquals("sub"u8) ? ReadString(ref reader, ref voterId)
                    : reader.ValueTextEquals("state"u8) ? ReadString(ref reader, ref state)
                    : reader.ValueTextEquals("election"u8) ? ReadString(ref reader, ref electionId)
                    : reader.ValueTextEquals("exp"u8) ? ReadSeconds(ref reader, ref expires)
                    : reader.ValueTextEquals("nbf"u8) ? ReadSeconds(ref reader, ref notBefore)
                    : reader.ValueTextEquals("aud"u8) ? ReadAudience(ref reader, audience, ref forUs)
                    : Skip(ref reader);
                if (!ok)
                {
                    return VoterTokenCheck.Refused(VoterTokenFailure.Malformed);
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return VoterTokenCheck.Refused(VoterTokenFailure.Malformed);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) // invalid JSON; invalid UTF-8 in a string
        {
            return VoterTokenCheck.Refused(VoterTokenFailure.Malformed);
        }

        if (expires is not { } exp || (notBefore is { } early && early > exp))
        {
            return VoterTokenCheck.Refused(VoterTokenFailure.Malformed);
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(exp);
        if (now - clockSkew > expiresAt) // (not expiresAt + skew: it could pass year 9999)
        {
            return VoterTokenCheck.Refused(VoterTokenFailure.Expired);
        }

        if (notBefore is { } nbf && now + clockSkew < DateTimeOffset.FromUnixTimeSeconds(nbf))
        {
            return VoterTokenCheck.Refused(VoterTokenFailure.NotYetValid);
        }

        if (forUs != true || tokenIssuer != issuer)
        {
            return VoterTokenCheck.Refused(VoterTokenFailure.OtherIssuerOrAudience);
        }

        return string.IsNullOrEmpty(voterId) || string.IsNullOrEmpty(state) || string.IsNullOrEmpty(electionId)
            ? VoterTokenCheck.Refused(VoterTokenFailure.MissingVoterClaims)
            : !VoterIdRule.IsCanonical(voterId)
                ? VoterTokenCheck.Refused(VoterTokenFailure.NonCanonicalVoterId)
                : VoterTokenCheck.Valid(new VoterToken(voterId, state, electionId, expiresAt));
    }

    /// <summary>A string claim, once.</summary>
    private static bool ReadString(ref Utf8JsonReader reader, ref string? value)
    {
        if (value is not null || !reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        value = reader.GetString();
        return true;
    }

    /// <summary>A NumericDate (RFC 7519 §2: seconds since the epoch, fractions allowed and dropped), once.</summary>
    private static bool ReadSeconds(ref Utf8JsonReader reader, ref long? value)
    {
        if (value is not null || !reader.Read() || reader.TokenType != JsonTokenType.Number)
        {
            return false;
        }

        if (reader.TryGetInt64(out var whole))
        {
            value = whole;
        }
        else if (reader.TryGetDouble(out var fraction) && double.IsFinite(fraction))
        {
            value = (long)Math.Floor(Math.Clamp(fraction, long.MinValue, long.MaxValue));
        }
        else
        {
            return false;
        }

        // Beyond DateTimeOffset's range (years 1 to 9999) no real token lies.
        return value is >= MinUnixSeconds and <= MaxUnixSeconds;
    }

    /// <summary>
    /// A string or an array of strings (RFC 7519 §4.1.3), once; <paramref name="forUs"/> says whether
    /// one of them is <paramref name="expected"/>.
    /// </summary>
    private static bool ReadAudience(ref Utf8JsonReader reader, string expected, ref bool? forUs)
    {
        if (forUs is not null || !reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            forUs = reader.ValueTextEquals(expected);
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            found |= reader.ValueTextEquals(expected);
        }

        forUs = found;
        return reader.TokenType == JsonTokenType.EndArray;
    }

    private static bool Skip(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
        return true;
    }
}
