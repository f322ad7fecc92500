namespace Voting.Console.Blazor.Live;

/// <summary>Reads a source on its interval and publishes to its board; a failure is shown, never fatal.</summary>
public sealed partial class BoardPoller<T>(IBoardSource<T> source, LiveBoard<T> board, TimeProvider clock, ILogger<BoardPoller<T>> logger) : BackgroundService
    where T : class
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(source.Interval, clock);
        do
        {
            try
            {
                board.Publish(await source.ReadAsync(stoppingToken));
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, typeof(T).Name, e.Message);
                board.Fail(e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading {Board} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string board, string error);
}
