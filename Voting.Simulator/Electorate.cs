using Voting.Core.Elections;
using Voting.Core.Geography;

namespace Voting.Simulator;

/// <summary>Draws voters' states by population and their choices from each state's ballot.</summary>
public sealed class Electorate(ElectionDefinition election, Random random)
{
    private readonly long totalPopulation = UsStates.All.Sum(s => (long)s.Population);

    public string DrawState()
    {
        var ticket = random.NextInt64(totalPopulation);
        foreach (var state in UsStates.All)
        {
            ticket -= state.Population;
            if (ticket < 0)
            {
                return state.Code;
            }
        }

        return UsStates.All[^1].Code;
    }

    /// <summary>A candidate from the state's ballot, skewed so results are not a flat tie.</summary>
    public string DrawCandidate(string state)
    {
        var ballot = election.CandidatesIn(state);
        // Weight 1, 1/2, 1/3 … rotated by the state's code so states lean differently.
        var offset = (state[0] + state[1]) % ballot.Count;
        var weights = Enumerable.Range(0, ballot.Count).Select(i => 1.0 / (1 + ((i + offset) % ballot.Count))).ToArray();
        var pick = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            pick -= weights[i];
            if (pick < 0)
            {
                return ballot[i];
            }
        }

        return ballot[^1];
    }
}
