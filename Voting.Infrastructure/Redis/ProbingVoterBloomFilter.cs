namespace Voting.Infrastructure.Redis;

/// <summary>
/// Picks the backend on first use rather than at start, so a service can start (and answer 503)
/// while Redis is still down. The probe is asynchronous and shared by concurrent callers; a failed
/// probe is forgotten so the next call tries again.
/// </summary>
internal sealed class ProbingVoterBloomFilter(Func<Task<IVoterBloomFilter>> create) : IVoterBloomFilter
{
    private readonly Lock gate = new();
    private Task<IVoterBloomFilter>? probe;

    public string Backend => probe is { IsCompletedSuccessfully: true } done ? done.Result.Backend : "undetermined";

    public async Task<bool> MightContainAsync(string electionId, byte[] pseudonym) =>
        await (await ResolveAsync()).MightContainAsync(electionId, pseudonym);

    public async Task<bool> AddAsync(string electionId, byte[] pseudonym) =>
        await (await ResolveAsync()).AddAsync(electionId, pseudonym);

    private async Task<IVoterBloomFilter> ResolveAsync()
    {
        Task<IVoterBloomFilter> current;
        lock (gate)
        {
            current = probe ??= create();
        }

        try
        {
            return await current;
        }
        catch
        {
            lock (gate)
            {
                if (ReferenceEquals(probe, current))
                {
                    probe = null;
                }
            }

            throw;
        }
    }
}
