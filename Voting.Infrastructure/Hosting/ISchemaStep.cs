namespace Voting.Infrastructure.Hosting;

/// <summary>One store's idempotent schema set-up, run by <see cref="SchemaMigrationService"/> at start.</summary>
public interface ISchemaStep
{
    string Name { get; }

    Task ApplyAsync(CancellationToken cancellationToken);
}
