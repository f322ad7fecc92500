namespace Voting.Core.Geography;

/// <summary>A voting jurisdiction: one of the 50 states or the District of Columbia.</summary>
/// <param name="Code">USPS two-letter code, upper case (e.g. "CA").</param>
/// <param name="Name">Full name.</param>
/// <param name="Population">2020 census resident population; used to balance shards and to shape simulations.</param>
public sealed record UsState(string Code, string Name, int Population);
