using System.Buffers.Text;
using System.Text.Json;

namespace Voting.Core.Identity;

/// <summary>
/// Reads the audience a compact token claims, without checking its signature: only to tell a voter who
/// sent the wrong one of their tokens which one it is. Never a reason to accept a token.
/// </summary>
public static class UnverifiedAudience
{
    /// <summary>Whether <paramref name="token"/>'s payload names <paramref name="audience"/> in its <c>aud</c> claim (a string or an array of them).</summary>
    public static bool Names(ReadOnlySpan<char> token, string audience)
    {
        if (token.Length > VoterTokenVerifier.MaxTokenLength)
        {
            return false;
        }

        var headerEnd = token.IndexOf('.');
        var rest = headerEnd < 0 ? [] : token[(headerEnd + 1)..];
        var payloadEnd = rest.IndexOf('.');
        if (payloadEnd <= 0)
        {
            return false;
        }

        var payload = new byte[Base64Url.GetMaxDecodedLength(payloadEnd)];
        if (Base64Url.DecodeFromChars(rest[..payloadEnd], payload, out _, out var length) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(payload.AsMemory(0, length));
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("aud", out var aud) && aud.ValueKind switch
            {
                JsonValueKind.String => aud.ValueEquals(audience),
                JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.ValueEquals(audience)),
                _ => false,
            };
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
