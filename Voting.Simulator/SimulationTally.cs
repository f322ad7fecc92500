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
    private long wrong;

    public long Accepted => Interlocked.Read(ref accepted);

    public long Duplicates => Interlocked.Read(ref duplicates);

    public long Refused => Interlocked.Read(ref refused);

    public long Throttled => Interlocked.Read(ref throttled);

    /// <summary>5xx answers, transport errors and wrong answers (<see cref="Wrong"/>): the ones that should not happen.</summary>
    public long Failed => Interlocked.Read(ref failed);

    /// <summary>
    /// Answers that contradict the guarantees, counted among <see cref="Failed"/>: a second ballot
    /// accepted after the first was, a new voter refused as having voted, a well-formed ballot (a first
    /// or a second) refused as invalid, or a malformed one accepted.
    /// </summary>
    public long Wrong => Interlocked.Read(ref wrong);

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

    /// <summary>
    /// Counts an answer to a request carrying <paramref name="kind"/>; null for no answer (a transport
    /// error or a timeout). A 202 that is right is counted by <see cref="RecordAccepted"/> instead, with its time.
    /// </summary>
    public void Record(HttpStatusCode? status, BallotKind kind)
    {
        switch ((int?)status, kind)
        {
            case (202, BallotKind.Malformed or BallotKind.SecondAfterAccepted):
            case (409, BallotKind.Valid or BallotKind.Malformed):
            case (400 or 413 or 422, BallotKind.Valid or BallotKind.Second or BallotKind.SecondAfterAccepted):
                Interlocked.Increment(ref wrong);
                Interlocked.Increment(ref failed);
                break;
            case (202, _): Interlocked.Increment(ref accepted); break;
            case (409, _): Interlocked.Increment(ref duplicates); break;
            case (429, _): Interlocked.Increment(ref throttled); break;
            // What the simulator's malformed and invalid ballots get. Any other 4xx (401 for a token
            // ingest can't verify, 404 for a wrong URL, 415) is the run going wrong, not a voter.
            case (400 or 413 or 422, _): Interlocked.Increment(ref refused); break;
            default: Interlocked.Increment(ref failed); break;
        }
    }

    /// <summary>Whether a 202 to a request carrying <paramref name="kind"/> is a right answer.</summary>
    public static bool AcceptanceIsRight(BallotKind kind) => kind is BallotKind.Valid or BallotKind.Second;
}
