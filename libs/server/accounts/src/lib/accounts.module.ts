import { DynamicModule, Logger, Module } from '@nestjs/common';
import type { SqlDatabase } from '@act/server/database';
import { APP_CONFIG, AppConfig, SQL_DATABASE } from '@act/server/platform';
import { testConnection } from '@act/server/connectors';
import { CredentialVault } from '@act/server/secrets';
import { AccountsController } from './accounts.controller';
import { AccountsReadModel } from './accounts-read-model';
import { AccountsService, type ConnectionTester } from './accounts.service';
import { IngestKeysService } from './ingest-keys.service';
import { credentialKeyring } from './keyring';
import { CONNECTION_TESTER, CREDENTIAL_VAULT } from './tokens';

export interface AccountsModuleOptions {
  /** Replaces the real provider calls of "test connection" (tests point it elsewhere through baseUrl instead). */
  connectionTester?: ConnectionTester;
}

/** Provider accounts, their credential vault, connection tests and ingest keys. */
@Module({})
export class AccountsModule {
  static forRoot(options: AccountsModuleOptions = {}): DynamicModule {
    return {
      module: AccountsModule,
      // Sync, ingest and usage modules use its services; the app imports it once.
      global: true,
      controllers: [AccountsController],
      providers: [
        {
          provide: CREDENTIAL_VAULT,
          inject: [APP_CONFIG, SQL_DATABASE],
          useFactory: async (config: AppConfig, db: SqlDatabase) => {
            const vault = new CredentialVault(db, credentialKeyring(config, new Logger('Credentials')));
            await vault.migrate();
            return vault;
          },
        },
        { provide: CONNECTION_TESTER, useValue: options.connectionTester ?? ((input: Parameters<ConnectionTester>[0]) => testConnection(input)) },
        AccountsService,
        AccountsReadModel,
        IngestKeysService,
      ],
      exports: [AccountsService, IngestKeysService, AccountsReadModel, CREDENTIAL_VAULT],
    };
  }
}

