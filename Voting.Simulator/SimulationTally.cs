using System.Net;

namespace Voting.Simulator;

/// <summary>Thread-safe counts of what the simulated voters got back.</summary>
public sealed class SimulationTally
{
    private long accepted;
    private long duplicates;
    private long refused;
    private long throttled;
    private long failed;

    public long Accepted => Interlocked.Read(ref accepted);

    public long Duplicates => Interlocked.Read(ref duplicates);

    public long Refused => Interlocked.Read(ref refused);

    public long Throttled => Interlocked.Read(ref throttled);

    /// <summary>5xx answers and transport errors: the ones that should not happen.</summary>
    public long Failed => Interlocked.Read(ref failed);

    public long Total => Accepted + Duplicates + Refused + Throttled + Failed;

    private readonly System.Collections.Concurrent.ConcurrentQueue<TimeSpan> acceptedAt = new();

    /// <summary>When each accepted vote was acknowledged (run time), in order.</summary>
    public IReadOnlyList<TimeSpan> AcceptedAt => [.. acceptedAt.Order()];

    /// <summary>An accepted vote, acknowledged at <paramref name="at"/> (run time).</summary>
    public void RecordAccepted(TimeSpan at)
    {
        Interlocked.Increment(ref accepted);
        acceptedAt.Enqueue(at);
    }

    public void Record(HttpStatusCode? status)
    {
        switch ((int?)status)
        {
            case 202: Interlocked.Increment(ref accepted); break;
            case 409: Interlocked.Increment(ref duplicates); break;
            case 429: Interlocked.Increment(ref throttled); break;
            // What the simulator's malformed and invalid ballots get. Any other 4xx (401 for a token
            // ingest can't verify, 404 for a wrong URL, 415) is the run going wrong, not a voter.
            case 400 or 413 or 422: Interlocked.Increment(ref refused); break;
            default: Interlocked.Increment(ref failed); break;
        }
    }
}
