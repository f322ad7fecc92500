using System.ComponentModel.DataAnnotations;
using Voting.Infrastructure.Elections;

namespace Voting.Console.Blazor.Tests;

public sealed class ConsoleOptionsTests
{
    private static List<string> Errors(ConsoleOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => r.ErrorMessage!)];
    }

    [Fact]
    public void A_warning_level_at_or_above_the_critical_one_is_refused_at_start()
    {
        Assert.Equal(
            ["LagWarning (100000) must be below LagCritical (100000), or no partition is ever shown as a warning."],
            Errors(new ConsoleOptions { LagWarning = 100_000, LagCritical = 100_000 }));
        Assert.Empty(Errors(new ConsoleOptions()));
    }

    [Fact]
    public void An_election_on_screen_that_is_not_configured_is_refused_at_start()
    {
        var elections = new ElectionRegistry([new ElectionOptions
        {
            Id = "us-2028",
            OpensAt = DateTimeOffset.UtcNow.AddDays(-1),
            ClosesAt = DateTimeOffset.UtcNow.AddDays(1),
            Candidates = ["harper"],
        }], withPseudonymSecrets: false);
        var validation = new ConsoleOptionsValidation(elections);

        var refused = validation.Validate(null, new ConsoleOptions { ElectionId = "us-2032" });

        Assert.True(refused.Failed);
        Assert.Equal("Voting:Console:ElectionId 'us-2032' is not a configured election (us-2028).", refused.FailureMessage);
        Assert.True(validation.Validate(null, new ConsoleOptions { ElectionId = "us-2028" }).Succeeded);
        Assert.True(validation.Validate(null, new ConsoleOptions()).Succeeded);
    }
}
