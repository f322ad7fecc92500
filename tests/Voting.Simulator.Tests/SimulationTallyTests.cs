using System.Net;

namespace Voting.Simulator.Tests;

public sealed class SimulationTallyTests
{
    [Fact]
    public void Answers_are_counted_by_what_they_mean_for_the_voter()
    {
        var tally = new SimulationTally();
        foreach (var status in new HttpStatusCode?[]
                 {
                     HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Conflict, HttpStatusCode.BadRequest,
                     HttpStatusCode.UnprocessableEntity, HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable, null,
                 })
        {
            tally.Record(status);
        }

        Assert.Equal((2, 1, 2, 1, 2), (tally.Accepted, tally.Duplicates, tally.Refused, tally.Throttled, tally.Failed));
        Assert.Equal(8, tally.Total);
    }
}
