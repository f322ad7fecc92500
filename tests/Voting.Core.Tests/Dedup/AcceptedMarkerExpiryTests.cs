using System.Globalization;
using Voting.Core.Dedup;

namespace Voting.Core.Tests.Dedup;

public sealed class AcceptedMarkerExpiryTests
{
    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2028-11-07T14:00:00.001Z")]
    [InlineData("2028-11-07T14:17:42.500Z")]
    [InlineData("2028-11-07T14:59:59.999Z")]
    [InlineData("2028-11-07T15:00:00.000Z")]
    public void Markers_set_within_one_hour_all_expire_at_the_same_whole_hour(string acceptedAt) =>
        Assert.Equal(At("2028-11-08T15:00:00Z"), AcceptedMarkerExpiry.After(At(acceptedAt), TimeSpan.FromHours(24)));

    [Fact]
    public void A_marker_lives_at_least_its_lifetime_and_less_than_an_hour_longer()
    {
        var acceptedAt = At("2028-11-07T14:17:42.500Z");
        foreach (var minutes in new[] { 1, 59, 60, 61, 1440 })
        {
            var lifetime = TimeSpan.FromMinutes(minutes);
            var expiry = AcceptedMarkerExpiry.After(acceptedAt, lifetime);
            Assert.InRange(expiry - acceptedAt, lifetime, lifetime + TimeSpan.FromHours(1));
            Assert.Equal(0, expiry.ToUnixTimeSeconds() % 3600);
        }
    }

    [Fact]
    public void An_offset_time_gets_the_same_expiry_as_its_utc_instant() =>
        Assert.Equal(
            AcceptedMarkerExpiry.After(At("2028-11-07T14:17:42Z"), TimeSpan.FromHours(24)),
            AcceptedMarkerExpiry.After(At("2028-11-07T09:17:42-05:00"), TimeSpan.FromHours(24)));
}
