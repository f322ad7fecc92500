using System.Text.Json;
using System.Text.Json.Serialization;

namespace Voting.Faults.Tests;

/// <summary>One request of the bad-input corpus (<c>BadInput/*.json</c>) and the answer it must get.</summary>
public sealed class BadInputCase
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public string Name { get; set; } = "";

    /// <summary>What the request is, in words.</summary>
    public string Why { get; set; } = "";

    /// <summary>
    /// valid, none, garbage, basic, expired, not-yet-valid, forged, tampered, unsigned, other-audience,
    /// replayed (used for an accepted vote first), unknown-election, closed-election, future-election.
    /// </summary>
    public string Token { get; set; } = "valid";

    /// <summary>The state in the token.</summary>
    public string State { get; set; } = "PA";

    public string ContentType { get; set; } = "application/json";

    public string? Body { get; set; }

    public string? BodyBase64 { get; set; }

    public BodyFill? Fill { get; set; }

    /// <summary>An <c>Idempotency-Key</c> header to send.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>Send without a Content-Length, in chunks.</summary>
    public bool Chunked { get; set; }

    /// <summary>Send the body one byte at a time with this pause between bytes.</summary>
    public int? DripMilliseconds { get; set; }

    public Expectation Expect { get; set; } = new();

    public byte[] BodyBytes() =>
        BodyBase64 is not null ? Convert.FromBase64String(BodyBase64)
        : Fill is not null ? System.Text.Encoding.UTF8.GetBytes(Fill.Prefix + new string(Fill.Char[0], Fill.Length) + Fill.Suffix)
        : System.Text.Encoding.UTF8.GetBytes(Body ?? "");

    public override string ToString() => Name;

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "BadInput");

    public static IReadOnlyList<BadInputCase> All() =>
        [.. Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal).Select(Load)];

    public static BadInputCase Load(string path)
    {
        var loaded = JsonSerializer.Deserialize<BadInputCase>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty");
        loaded.Name = Path.GetFileNameWithoutExtension(path);
        return loaded;
    }

    public sealed class BodyFill
    {
        public string Prefix { get; set; } = "";

        public string Char { get; set; } = "x";

        public int Length { get; set; }

        public string Suffix { get; set; } = "";
    }

    public sealed class Expectation
    {
        public int Status { get; set; }

        /// <summary>The problem type after <c>urn:voting:problem:</c>.</summary>
        public string Type { get; set; } = "";

        /// <summary>When set, the problem's <c>detail</c> exactly: which of several refusals of one type it was.</summary>
        public string? Detail { get; set; }
    }
}
