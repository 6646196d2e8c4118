using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Exceptions;

namespace Timeline.Hosting;

public static class LostRaces
{
    /// <summary>A write lost to another one: the stream moved on, or a unique key (an id, an idempotency key) landed first.</summary>
    public static bool IsLostRace(Exception ex) => ex is ConcurrencyException or EventStreamUnexpectedMaxEventIdException
        or DocumentAlreadyExistsException or Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
        or People.StreamMovedException or Npgsql.PostgresException { SqlState: "23505" }
        || (ex is MartenCommandException { InnerException: Npgsql.PostgresException { SqlState: "23505" } });
}
