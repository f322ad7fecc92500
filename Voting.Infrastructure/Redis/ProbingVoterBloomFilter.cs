namespace Voting.Infrastructure.Redis;

/// <summary>
/// Picks the backend on first use rather than at start, so a service can start (and answer 503)
/// while Redis is still down, and retries the probe until it succeeds.
/// </summary>
internal sealed class ProbingVoterBloomFilter(Func<IVoterBloomFilter> create) : IVoterBloomFilter
{
    private readonly Lock gate = new();
    private IVoterBloomFilter? resolved;

    public string Backend => resolved?.Backend ?? "undetermined";

    public Task<bool> MightContainAsync(string electionId, byte[] pseudonym) => Resolve().MightContainAsync(electionId, pseudonym);

    public Task<bool> AddAsync(string electionId, byte[] pseudonym) => Resolve().AddAsync(electionId, pseudonym);

    private IVoterBloomFilter Resolve()
    {
        if (resolved is { } filter)
        {
            return filter;
        }

        lock (gate)
        {
            // A RedisException here propagates to the caller (503) and the next call probes again.
            return resolved ??= create();
        }
    }
}
