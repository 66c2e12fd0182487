import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * A database transaction as repositories receive it. Services hold it without looking inside: they open one with
 * `Transactions.run` and hand it to each repository call that must share it. Unit tests pass any object.
 */
export type Tx = EntityManager & { readonly __tx?: never };

/** Opens transactions for services, so a service needs no DataSource and its tests need no database. */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction((manager) => work(manager as Tx));
  }
}
