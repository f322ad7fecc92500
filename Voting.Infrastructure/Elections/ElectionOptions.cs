using System.ComponentModel.DataAnnotations;

namespace Voting.Infrastructure.Elections;

/// <summary>Elections this deployment serves. Section <c>Voting:Elections</c> (a list).</summary>
public sealed class ElectionOptions
{
    public const string Section = "Voting:Elections";

    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    [Required]
    public DateTimeOffset OpensAt { get; set; }

    [Required]
    public DateTimeOffset ClosesAt { get; set; }

    [Required, MinLength(1)]
    public List<string> Candidates { get; set; } = [];

    public Dictionary<string, List<string>> StateCandidates { get; set; } = [];

    /// <summary>
    /// Base64, ≥ 32 bytes: keys the voter pseudonyms of this election, and the ballot ids of casts with
    /// an idempotency key. Lose it and duplicates can't be checked; leak it and pseudonyms can be linked
    /// to voter ids. Required by the services that compute pseudonyms (ingest, results); the others
    /// neither need it nor keep it (<see cref="ElectionRegistry"/>).
    /// </summary>
    public string PseudonymSecret { get; set; } = "";

    /// <summary>Registered voters per state, for turnout; optional.</summary>
    public Dictionary<string, long> RegisteredVoters { get; set; } = [];
}
