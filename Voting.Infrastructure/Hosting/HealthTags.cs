namespace Voting.Infrastructure.Hosting;

/// <summary>Health-check tags: <c>ready</c> checks gate <c>/health/ready</c>; liveness runs none.</summary>
public static class HealthTags
{
    public const string Ready = "ready";
}
