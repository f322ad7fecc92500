using System.Security.Cryptography;
using Voting.Core.Geography;
using Voting.Core.Sharding;

namespace Voting.Core.Tests.Sharding;

public sealed class ShardRouterTests
{
    [Fact]
    public void Every_state_and_DC_maps_to_one_of_the_16_databases()
    {
        Assert.Equal(51, UsStates.All.Count);
        foreach (var state in UsStates.All)
        {
            var database = ShardRouter.DatabaseFor(state.Code);
            Assert.InRange(database, 0, ShardLayout.DatabaseCount - 1);
            Assert.Equal(database, ShardRouter.DatabaseFor(state.Code.ToLowerInvariant()));
        }
    }

    [Fact]
    public void Every_database_holds_at_least_one_state_and_each_state_exactly_one_database()
    {
        var seen = new List<string>();
        for (var database = 0; database < ShardLayout.DatabaseCount; database++)
        {
            var states = ShardRouter.StatesIn(database);
            Assert.NotEmpty(states);
            seen.AddRange(states);
        }

        Assert.Equal(UsStates.All.Select(s => s.Code).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Population_is_balanced_across_databases_apart_from_the_states_too_big_to_share()
    {
        var load = new long[ShardLayout.DatabaseCount];
        foreach (var state in UsStates.All)
        {
            load[ShardRouter.DatabaseFor(state.Code)] += state.Population;
        }

        // A state never splits, so a state bigger than a sixteenth of the country (California,
        // Texas) gets a database of its own; every other database stays within 25% of the mean
        // of the rest.
        var fairShare = UsStates.All.Sum(s => (long)s.Population) / ShardLayout.DatabaseCount;
        var oversized = UsStates.All.Where(s => s.Population > fairShare).ToArray();
        Assert.All(oversized, s => Assert.Equal([s.Code], ShardRouter.StatesIn(ShardRouter.DatabaseFor(s.Code))));
        var others = Enumerable.Range(0, ShardLayout.DatabaseCount)
            .Where(d => oversized.All(s => ShardRouter.DatabaseFor(s.Code) != d))
            .Select(d => load[d])
            .ToArray();
        var mean = others.Average();
        Assert.All(others, l => Assert.InRange(l, mean * 0.75, mean * 1.25));
    }

    [Fact]
    public void Unknown_state_is_rejected_with_its_code_in_the_message()
    {
        var error = Assert.Throws<ArgumentException>(() => ShardRouter.DatabaseFor("XX"));
        Assert.Contains("'XX'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_million_random_ids_spread_over_64_tables_within_10_percent()
    {
        const int ids = 1_000_000;
        var counts = new int[ShardLayout.TablesPerDatabase];
        Span<byte> id = stackalloc byte[32];
        using var random = RandomNumberGenerator.Create();
        for (var i = 0; i < ids; i++)
        {
            random.GetBytes(id);
            counts[ShardRouter.TableFor(id)]++;
        }

        const double expected = ids / (double)ShardLayout.TablesPerDatabase;
        Assert.All(counts, count => Assert.InRange(count, expected * 0.9, expected * 1.1));
    }

    [Fact]
    public void Sequential_ids_spread_too_because_the_table_is_chosen_by_a_hash()
    {
        var counts = new int[ShardLayout.TablesPerDatabase];
        for (var i = 0; i < 64_000; i++)
        {
            counts[ShardRouter.TableFor(BitConverter.GetBytes((long)i))]++;
        }

        Assert.All(counts, count => Assert.InRange(count, 900, 1100));
    }

    [Fact]
    public void Routing_is_stable_for_the_same_id()
    {
        var id = Convert.FromHexString("00112233445566778899aabbccddeeff");
        Assert.Equal(ShardRouter.Route("TX", id), ShardRouter.Route("tx", id));
        Assert.Equal(ShardRouter.DatabaseFor("TX"), ShardRouter.Route("TX", id).Database);
    }

    [Fact]
    public void Empty_id_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => ShardRouter.TableFor([]));
    }

    [Theory]
    [InlineData(0, "voting_s00", "participation_00", "ballots_00")]
    [InlineData(15, "voting_s15", "participation_15", "ballots_15")]
    public void Names_are_zero_padded(int index, string database, string participation, string ballots)
    {
        Assert.Equal(database, ShardLayout.DatabaseName("voting_s", index));
        Assert.Equal(participation, ShardLayout.ParticipationTable(index));
        Assert.Equal(ballots, ShardLayout.BallotTable(index));
    }

    [Fact]
    public void Out_of_range_indexes_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardLayout.DatabaseName("voting_s", 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardLayout.BallotTable(64));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardLayout.ParticipationTable(-1));
    }

    /// <summary>
    /// Where every state's rows and a few ids' rows live today. Stored rows stay where they were
    /// written: a change to the population figures, their ordering or the id hash would route new
    /// rows elsewhere, so it is a data migration (ShardLayout), never a silent change.
    /// </summary>
    [Fact]
    public void The_routing_of_stored_rows_never_changes()
    {
        var databases = new Dictionary<string, int>
        {
            ["AK"] = 10, ["AL"] = 8, ["AR"] = 11, ["AZ"] = 13, ["CA"] = 0, ["CO"] = 11, ["CT"] = 14, ["DC"] = 4, ["DE"] = 11, ["FL"] = 2,
            ["GA"] = 7, ["HI"] = 12, ["IA"] = 12, ["ID"] = 6, ["IL"] = 5, ["IN"] = 15, ["KS"] = 9, ["KY"] = 6, ["LA"] = 7, ["MA"] = 14,
            ["MD"] = 14, ["ME"] = 14, ["MI"] = 9, ["MN"] = 10, ["MO"] = 13, ["MS"] = 10, ["MT"] = 5, ["NC"] = 8, ["ND"] = 7, ["NE"] = 8,
            ["NH"] = 15, ["NJ"] = 10, ["NM"] = 7, ["NV"] = 15, ["NY"] = 3, ["OH"] = 6, ["OK"] = 4, ["OR"] = 5, ["PA"] = 4, ["RI"] = 4,
            ["SC"] = 9, ["SD"] = 8, ["TN"] = 15, ["TX"] = 1, ["UT"] = 13, ["VA"] = 11, ["VT"] = 9, ["WA"] = 12, ["WI"] = 12, ["WV"] = 13,
            ["WY"] = 5,
        };
        Assert.Equal(databases, UsStates.All.ToDictionary(s => s.Code, s => ShardRouter.DatabaseFor(s.Code)));
        Assert.Equal(
            [27, 23, 11],
            new[] { "a", "voter-1", "0123456789abcdef" }.Select(id => ShardRouter.TableFor(System.Text.Encoding.UTF8.GetBytes(id))));
    }
}
