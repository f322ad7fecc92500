namespace Voting.Console.Blazor.Live;

/// <summary>
/// The latest reading of one source, shared by every circuit: pages render <see cref="Current"/>
/// and re-render on <see cref="Changed"/>, so screens update without reload. A failed reading keeps
/// the last good one and says why it is stale.
/// </summary>
public sealed class LiveBoard<T>(TimeProvider clock)
    where T : class
{
    private volatile Reading? reading;

    public event Action? Changed;

    /// <summary>The last good value, or null before the first.</summary>
    public T? Current => reading?.Value;

    /// <summary>When <see cref="Current"/> was read.</summary>
    public DateTimeOffset? UpdatedAt => reading?.At;

    /// <summary>Why the latest attempt failed, or null when it succeeded.</summary>
    public string? Error => reading?.Error;

    public void Publish(T value)
    {
        reading = new Reading(value, clock.GetUtcNow(), null);
        Changed?.Invoke();
    }

    public void Fail(string error)
    {
        var last = reading;
        reading = new Reading(last?.Value, last?.At, error);
        Changed?.Invoke();
    }

    private sealed record Reading(T? Value, DateTimeOffset? At, string? Error);
}
