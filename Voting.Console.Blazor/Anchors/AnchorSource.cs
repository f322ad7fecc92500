using Microsoft.Extensions.Options;
using Voting.Console.Blazor.Live;
using Voting.Console.Blazor.Tallies;
using Voting.Core.Audit;

namespace Voting.Console.Blazor.Anchors;

/// <summary>The election's checkpoints and their anchoring status, from the audit service.</summary>
public sealed class AnchorSource(AuditClient audit, TallySource tallies, IOptions<ConsoleOptions> options) : IBoardSource<CheckpointList>
{
    public TimeSpan Interval => TimeSpan.FromMilliseconds(Math.Max(2_000, options.Value.RefreshMilliseconds));

    public Task<CheckpointList> ReadAsync(CancellationToken cancellationToken) => audit.CheckpointsAsync(tallies.Election.Id, cancellationToken);
}
