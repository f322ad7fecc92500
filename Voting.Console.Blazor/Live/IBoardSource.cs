namespace Voting.Console.Blazor.Live;

/// <summary>Reads one kind of live data; <see cref="BoardPoller{T}"/> calls it every <see cref="Interval"/>.</summary>
public interface IBoardSource<T>
{
    TimeSpan Interval { get; }

    Task<T> ReadAsync(CancellationToken cancellationToken);
}
