import { Module } from '@nestjs/common';

/** The sales service's API and use cases: a handler per command and query. */
@Module({ controllers: [], providers: [] })
export class SalesApplication {}
