using Microsoft.Extensions.Options;
using Voting.Infrastructure.Elections;

namespace Voting.Console.Blazor;

/// <summary>The console's election must be one the deployment serves: checked at start, not on every refresh of every page.</summary>
public sealed class ConsoleOptionsValidation(ElectionRegistry elections) : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions options) =>
        string.IsNullOrEmpty(options.ElectionId) || elections.Find(options.ElectionId) is not null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{ConsoleOptions.Section}:ElectionId '{options.ElectionId}' is not a configured election ({string.Join(", ", elections.All.Select(e => e.Id))}).");
}
