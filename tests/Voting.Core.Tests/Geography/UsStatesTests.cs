using Voting.Core.Geography;

namespace Voting.Core.Tests.Geography;

public sealed class UsStatesTests
{
    [Fact]
    public void Fifty_states_and_DC_with_unique_upper_case_codes()
    {
        Assert.Equal(51, UsStates.All.Select(s => s.Code).Distinct(StringComparer.Ordinal).Count());
        Assert.All(UsStates.All, s => Assert.Matches("^[A-Z]{2}$", s.Code));
        Assert.Contains(UsStates.All, s => s.Code == "DC");
    }

    [Fact]
    public void Lookup_ignores_case_and_rejects_unknown_codes()
    {
        Assert.True(UsStates.TryGet("ny", out var ny));
        Assert.Equal("New York", ny.Name);
        Assert.False(UsStates.TryGet("PR", out _));
        Assert.False(UsStates.TryGet(null, out _));
        Assert.Throws<ArgumentException>(() => UsStates.Get("ZZ"));
    }

    [Fact]
    public void Populations_add_up_to_the_2020_census_total()
    {
        // 331,449,281 resident population of the 50 states and DC.
        Assert.Equal(331_449_281L, UsStates.All.Sum(s => (long)s.Population));
    }
}
