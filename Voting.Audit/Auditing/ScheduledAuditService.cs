using Microsoft.Extensions.Options;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Hosting;

namespace Voting.Audit.Auditing;

/// <summary>Runs a full audit of every election every <see cref="AuditOptions.ScheduledAuditMinutes"/> (0: never).</summary>
public sealed partial class ScheduledAuditService(
    ElectionRegistry elections, AuditRunner runner, SchemaState schema, IOptions<AuditOptions> options, TimeProvider clock,
    ILogger<ScheduledAuditService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = options.Value.ScheduledAuditMinutes;
        if (minutes == 0)
        {
            return;
        }

        while (schema.Pending().Count > 0)
        {
            await Task.Delay(200, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMinutes(minutes), clock, stoppingToken);
            foreach (var election in elections.All)
            {
                try
                {
                    var report = await runner.RunAsync(election.Id, stoppingToken);
                    if (report.Clean)
                    {
                        LogClean(logger, election.Id, report.BallotRows, report.LogSize, report.AnchorsChecked);
                    }
                    else
                    {
                        foreach (var finding in report.Findings)
                        {
                            LogFinding(logger, election.Id, finding.Kind, finding.Location, finding.Detail);
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, election.Id, e.Message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit of {Election}: clean ({Rows} ballot rows, {Leaves} leaves, {Anchors} anchors)")]
    private static partial void LogClean(ILogger logger, string election, long rows, long leaves, int anchors);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit of {Election}: {Kind} at {Location}: {Detail}")]
    private static partial void LogFinding(ILogger logger, string election, string kind, string location, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit of {Election} could not complete: {Error}")]
    private static partial void LogFailed(ILogger logger, string election, string error);
}
