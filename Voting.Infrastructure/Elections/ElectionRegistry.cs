using Voting.Core.Ballots;
using Voting.Core.Elections;
using Voting.Core.Geography;
using Voting.Core.Identity;

namespace Voting.Infrastructure.Elections;

/// <summary>
/// The configured elections, validated once at start, looked up per request without allocation. Only
/// the services that compute voter pseudonyms (ingest, results) hold the elections' pseudonym secrets:
/// with the secret, a reader of the votes topic could link a voter's identity to a choice, so the
/// others neither need it configured nor keep it when it is (<c>withPseudonymSecrets</c> false).
/// </summary>
public sealed class ElectionRegistry
{
    private readonly Dictionary<string, (ElectionDefinition Definition, byte[]? Secret)> elections = new(StringComparer.Ordinal);

    private readonly TimeProvider clock;

    private DefaultChoice? defaultChoice;

    /// <param name="configured">The elections as configured.</param>
    /// <param name="withPseudonymSecrets">Whether this service computes voter pseudonyms and keeps the secrets for it.</param>
    /// <param name="clock">What "now" is for <see cref="Default"/>; the system clock when not given.</param>
    public ElectionRegistry(IEnumerable<ElectionOptions> configured, bool withPseudonymSecrets, TimeProvider? clock = null)
    {
        this.clock = clock ?? TimeProvider.System;
        foreach (var options in configured)
        {
            if (options.ClosesAt <= options.OpensAt)
            {
                throw new InvalidOperationException($"Election {options.Id}: ClosesAt must be after OpensAt.");
            }

            // What ingest accepts the processor must be able to store: an id it would refuse makes every
            // vote for it a dead letter after the voter was told it was accepted.
            // It also names routes (/elections/{id}), Redis keys and log lines: letters, digits and ._- only.
            if (!ElectionIdRule.IsValid(options.Id))
            {
                throw new InvalidOperationException($"Election '{options.Id}': the id must be {ElectionIdRule.Description}.");
            }

            // Each state's ballot is its StateCandidates list, else Candidates: an empty one would refuse
            // every vote there as an unknown candidate.
            var stateBallots = new Dictionary<string, List<string>>(options.StateCandidates, StringComparer.OrdinalIgnoreCase);
            var empty = UsStates.All.Select(s => s.Code)
                .Where(code => (stateBallots.TryGetValue(code, out var own) ? own : options.Candidates).Count == 0).ToList();
            if (empty.Count > 0)
            {
                throw new InvalidOperationException(
                    $"Election {options.Id}: the ballot of {empty.Count} state(s) is empty ({string.Join(", ", empty.Take(5))}{(empty.Count > 5 ? ", …" : "")}): set Candidates, or a non-empty StateCandidates list for each state.");
            }

            var badCandidates = options.Candidates.Concat(options.StateCandidates.Values.SelectMany(c => c))
                .Where(c => string.IsNullOrWhiteSpace(c) || c.Length > VoteMessageRules.MaxIdLength).Distinct().ToArray();
            if (badCandidates.Length > 0)
            {
                throw new InvalidOperationException(
                    $"Election {options.Id}: candidate id(s) {string.Join(", ", badCandidates.Select(c => $"'{c}'"))} must be 1–{VoteMessageRules.MaxIdLength} characters and not blank.");
            }

            var unknown = options.StateCandidates.Keys.Concat(options.RegisteredVoters.Keys).Where(s => !UsStates.TryGet(s, out _)).ToArray();
            if (unknown.Length > 0)
            {
                throw new InvalidOperationException($"Election {options.Id}: unknown state code(s) {string.Join(", ", unknown)}.");
            }

            var secret = withPseudonymSecrets ? Secret(options) : null;

            var definition = new ElectionDefinition
            {
                Id = options.Id,
                Name = options.Name,
                OpensAt = options.OpensAt,
                ClosesAt = options.ClosesAt,
                Candidates = [.. options.Candidates],
                StateCandidates = options.StateCandidates.ToDictionary(
                    p => p.Key.ToUpperInvariant(), p => (IReadOnlyList<string>)[.. p.Value], StringComparer.OrdinalIgnoreCase),
                RegisteredVoters = options.RegisteredVoters.ToDictionary(p => p.Key.ToUpperInvariant(), p => p.Value, StringComparer.OrdinalIgnoreCase),
            };
            if (!elections.TryAdd(options.Id, (definition, secret)))
            {
                throw new InvalidOperationException($"Election {options.Id} is configured twice.");
            }
        }
    }

    public IEnumerable<ElectionDefinition> All => elections.Values.Select(e => e.Definition);

    /// <summary>
    /// The election to show when none is named, now (<see cref="DefaultAt"/>): asked on every plain
    /// results request, so the choice is kept until the next election opens.
    /// </summary>
    public ElectionDefinition? Default
    {
        get
        {
            var now = clock.GetUtcNow();
            if (defaultChoice is not { } choice || now >= choice.Until)
            {
                var until = All.Where(e => e.OpensAt > now).Select(e => e.OpensAt).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
                defaultChoice = choice = new DefaultChoice(DefaultAt(now), until);
            }

            return choice.Election;
        }
    }

    /// <summary>
    /// The election to show when none is named at <paramref name="now"/>: the most recently opened one;
    /// before any has opened, the next to open. An election configured ahead never hides the one
    /// that is running.
    /// </summary>
    public ElectionDefinition? DefaultAt(DateTimeOffset now) =>
        All.Where(e => e.OpensAt <= now).MaxBy(e => e.OpensAt) ?? All.Where(e => e.OpensAt > now).MinBy(e => e.OpensAt);

    public ElectionDefinition? Find(string? electionId) =>
        electionId is not null && elections.TryGetValue(electionId, out var e) ? e.Definition : null;

    /// <summary>The pseudonym of <paramref name="voterId"/> in a configured election.</summary>
    public byte[] Pseudonym(string electionId, string voterId) =>
        VoterPseudonym.Compute(SecretOf(electionId), electionId, voterId);

    /// <summary>The ballot id every cast with the client's idempotency <paramref name="key"/> gets (<see cref="IdempotencyKey"/>), keyed by the election's secret.</summary>
    public byte[] IdempotentBallotId(string electionId, ReadOnlySpan<byte> pseudonym, string key) =>
        IdempotencyKey.BallotId(SecretOf(electionId), electionId, pseudonym, key);

    private byte[] SecretOf(string electionId) =>
        elections[electionId].Secret
            ?? throw new InvalidOperationException($"Election {electionId}: this service was built without pseudonym secrets and computes no pseudonyms.");

    private static byte[] Secret(ElectionOptions options)
    {
        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(options.PseudonymSecret);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"Election {options.Id}: PseudonymSecret is not base64.");
        }

        return secret.Length < VoterPseudonym.MinimumSecretBytes
            ? throw new InvalidOperationException($"Election {options.Id}: PseudonymSecret must be at least {VoterPseudonym.MinimumSecretBytes} bytes.")
            : secret;
    }

    private sealed record DefaultChoice(ElectionDefinition? Election, DateTimeOffset Until);
}
