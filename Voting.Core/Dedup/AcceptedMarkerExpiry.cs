namespace Voting.Core.Dedup;

/// <summary>
/// When a voter's "accepted" marker leaves Redis: at the first whole UTC hour at least the marker's
/// lifetime after acceptance. Every marker set within one hour expires at the same instant, so a
/// marker's expiry (and its time to live) tells the hour the voter was accepted, never the second.
/// The ballots' log order tells roughly when each was stored; markers to the second would let the
/// two be lined up by rank within a state. The hour is what the shard rows keep anyway.
/// </summary>
public static class AcceptedMarkerExpiry
{
    /// <summary>The expiry of a marker set at <paramref name="acceptedAt"/> that must live at least <paramref name="lifetime"/>.</summary>
    public static DateTimeOffset After(DateTimeOffset acceptedAt, TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var earliest = acceptedAt.ToUniversalTime() + lifetime;
        var hour = new DateTimeOffset(earliest.Year, earliest.Month, earliest.Day, earliest.Hour, 0, 0, TimeSpan.Zero);
        return hour == earliest ? hour : hour.AddHours(1);
    }
}
