using System.Text.Json;

namespace Voting.Infrastructure.Kafka;

/// <summary>
/// Whether a consumer is a steady member of its group, read from librdkafka's statistics (<c>cgrp.state</c>
/// "up" and <c>cgrp.join_state</c> "steady"), and since when it has not been. A member that owns no
/// partition is still steady; one that lost its coordinator (a broker restart) and never found it again
/// is not, however quiet its topic looks, and rebuilding the consumer is what gets it back.
/// </summary>
/// <param name="builtAt">When the consumer was built: until statistics say otherwise it is not yet a member.</param>
public sealed class ConsumerGroupMembership(DateTimeOffset builtAt)
{
    private DateTimeOffset? outSince = builtAt;

    /// <summary>The group and join state of the last statistics seen, e.g. <c>up/steady</c>.</summary>
    public string State { get; private set; } = "joining";

    /// <summary>Whether any statistics showed the consumer as a steady member.</summary>
    public bool WasSteady { get; private set; }

    /// <summary>Reads one statistics document (the JSON librdkafka emits every <c>statistics.interval.ms</c>).</summary>
    public void Observe(string statistics, DateTimeOffset now)
    {
        string? state = null, joinState = null;
        try
        {
            using var document = JsonDocument.Parse(statistics);
            if (document.RootElement.TryGetProperty("cgrp", out var group))
            {
                state = group.TryGetProperty("state", out var s) ? s.GetString() : null;
                joinState = group.TryGetProperty("join_state", out var j) ? j.GetString() : null;
            }
        }
        catch (JsonException)
        {
            return; // nothing learned; the clock keeps running as it was
        }

        if (state is null || joinState is null)
        {
            return;
        }

        State = state + "/" + joinState;
        if (state == "up" && joinState == "steady")
        {
            outSince = null;
            WasSteady = true;
        }
        else
        {
            outSince ??= now;
        }
    }

    /// <summary>How long the consumer has been out of its group as of <paramref name="now"/>; zero while steady.</summary>
    public TimeSpan OutOfGroupFor(DateTimeOffset now) => outSince is { } since && now > since ? now - since : TimeSpan.Zero;
}
